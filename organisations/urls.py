from django.urls import path

from . import views

app_name = "organisations"

# The coordinator's volunteer pages (mounted at /bemiddelaars/).
urlpatterns = [
    path("", views.volunteer_list, name="volunteers"),
    path("nieuw/", views.volunteer_create, name="volunteer_create"),
    path("<int:mediator_id>/", views.volunteer_detail, name="volunteer"),
    path("<int:mediator_id>/wijzigen/", views.volunteer_edit, name="volunteer_edit"),
    path("<int:mediator_id>/intervisie/", views.intervision_add, name="intervision_add"),
    path(
        "<int:mediator_id>/intervisie/<int:attendance_id>/verwijderen/",
        views.intervision_remove,
        name="intervision_remove",
    ),
]
