"""Public pages for residents who report a conflict themselves (no login)."""

from django.urls import path

from . import selfreport

app_name = "selfreport"

urlpatterns = [
    path("", selfreport.start, name="start"),
]
