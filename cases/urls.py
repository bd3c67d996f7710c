from django.urls import path

from . import appointments, views, volunteers

app_name = "cases"

urlpatterns = [
    path("werkvoorraad/", views.queue, name="queue"),
    path("", views.case_list, name="list"),
    path("nieuw/", views.case_create, name="create"),
    path("mijn/", views.my_cases, name="my_cases"),
    path("overdragen/", views.bulk_handover, name="bulk_handover"),
    path("exporteren/", views.bulk_export, name="bulk_export"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/status/", views.case_transition, name="transition"),
    path("<str:reference>/bewerken/", views.case_edit, name="edit"),
    path("<str:reference>/overdragen/", views.handover, name="handover"),
    path("<str:reference>/notities/", views.add_note, name="add_note"),
    path("<str:reference>/bemiddelaars/", views.assign_mediator, name="assign"),
    path("<str:reference>/bemiddelaars/<int:assignment_id>/stoppen/", views.end_assignment, name="end_assignment"),
    path("<str:reference>/gesprekken/", views.log_conversation, name="log_conversation"),
    path("<str:reference>/partijen/", views.add_party, name="add_party"),
    path("<str:reference>/partijen/<int:party_id>/deelname/", views.set_participation, name="participation"),
    path("<str:reference>/partijen/<int:party_id>/bewerken/", views.party_edit, name="party_edit"),
    path("<str:reference>/partijen/<int:party_id>/verder-zonder/", views.leave_out, name="leave_out"),
    path("<str:reference>/partijen/<int:party_id>/inzage/", views.subject_access, name="subject_access"),
    path("<str:reference>/partijen/<int:party_id>/wissen/", views.erase_resident, name="erase_resident"),
    # Correcting a conversation (#18).
    path(
        "<str:reference>/gesprekken/<int:conversation_id>/corrigeren/",
        views.edit_conversation,
        name="edit_conversation",
    ),
    # Agreements followed up (#18).
    path("<str:reference>/afspraken/<int:agreement_id>/evaluatie/", views.agreement_review, name="agreement_review"),
    path("<str:reference>/afspraken/<int:agreement_id>/beoordeling/", views.agreement_judge, name="agreement_judge"),
    # Appointments: planned talks with the pair (#19, cases/appointments.py).
    *appointments.case_urls,
    # A mediator knows a party (#19): recorded on the case page, removed there or on the volunteer page.
    path("<str:reference>/bekenden/", volunteers.acquaintance_add, name="acquaintance_add"),
    path(
        "<str:reference>/bekenden/<int:acquaintance_id>/verwijderen/",
        volunteers.acquaintance_delete,
        name="acquaintance_remove",
    ),
]
