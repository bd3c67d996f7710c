"""Public pages for residents who report a conflict themselves (no login).

The paths carry no personal data: everything the resident types travels by POST and
is kept in the session.
"""

from django.urls import path

from . import views as selfreport

app_name = "selfreport"

urlpatterns = [
    path("", selfreport.start, name="start"),
    path("advies/", selfreport.advice, name="advice"),
    path("politie/", selfreport.police, name="police"),
    path("postcode/", selfreport.postcode, name="postcode"),
    path("melding/", selfreport.report, name="report"),
    path("verstuurd/", selfreport.done, name="done"),
]
