from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("werkvoorraad/", views.queue, name="queue"),
    path("", views.case_list, name="list"),
    path("mijn/", views.my_cases, name="my_cases"),
    path("<str:reference>/", views.case_detail, name="detail"),
]
