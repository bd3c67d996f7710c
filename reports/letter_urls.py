"""Letters of a case (reports/letter_views.py), mounted at /brieven/."""

from django.urls import path

from . import letter_views

app_name = "letters"

urlpatterns = [
    path("zaak/<str:reference>/", letter_views.letter_choose, name="choose"),
    path(
        "zaak/<str:reference>/partij/<int:party_id>/brief/<int:template_id>/", letter_views.letter_page, name="letter"
    ),
    path(
        "zaak/<str:reference>/partij/<int:party_id>/brief/<int:template_id>/pdf/",
        letter_views.letter_download,
        name="pdf",
    ),
]
