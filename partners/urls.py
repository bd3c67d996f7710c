from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("nieuw/", views.partner_create, name="create"),
    path("<int:partner_id>/", views.partner_detail, name="detail"),
    path("<int:partner_id>/wijzigen/", views.partner_edit, name="edit"),
    path("<int:partner_id>/contactpersoon/", views.contact_person_add, name="contact_add"),
    path("<int:partner_id>/werkafspraak/", views.working_agreement_add, name="agreement_add"),
    path("<int:partner_id>/consultatie/", views.consultation_add, name="consultation_add"),
    path("<int:partner_id>/huisbezoek/", views.joint_visit_add, name="joint_visit_add"),
    # The collaboration panel on the case page: each form posts here and returns to the case.
    path("zaak/<str:reference>/toestemming/", views.consent_record, name="consent_record"),
    path(
        "zaak/<str:reference>/toestemming/<int:consent_id>/intrekken/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("zaak/<str:reference>/voortraject/", views.trajectory_start, name="trajectory_start"),
    path(
        "zaak/<str:reference>/voortraject/<int:trajectory_id>/datum/",
        views.trajectory_review,
        name="trajectory_review",
    ),
    path(
        "zaak/<str:reference>/voortraject/<int:trajectory_id>/organisatie/",
        views.trajectory_add_organisation,
        name="trajectory_add_organisation",
    ),
    path(
        "zaak/<str:reference>/voortraject/<int:trajectory_id>/moment-is-daar/",
        views.trajectory_time_is_right,
        name="trajectory_time_is_right",
    ),
    path(
        "zaak/<str:reference>/voortraject/<int:trajectory_id>/stoppen/",
        views.trajectory_stop,
        name="trajectory_stop",
    ),
    path("zaak/<str:reference>/begeleiding/", views.accompaniment_start, name="accompaniment_start"),
    path(
        "zaak/<str:reference>/begeleiding/<int:accompaniment_id>/gesprekken/",
        views.accompaniment_conversations,
        name="accompaniment_conversations",
    ),
    path(
        "zaak/<str:reference>/begeleiding/<int:accompaniment_id>/stoppen/",
        views.accompaniment_end,
        name="accompaniment_end",
    ),
    path("zaak/<str:reference>/huisbezoek/", views.case_joint_visit, name="case_joint_visit"),
]
