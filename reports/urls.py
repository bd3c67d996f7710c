"""The figures section (Cijfers): the page, its exports and the national benchmark export."""

from django.urls import path

from . import views as figures_views

app_name = "figures"

urlpatterns = [
    path("", figures_views.overview, name="overview"),
    path("export.<str:fmt>", figures_views.export, name="export"),
    path("benchmark.<str:fmt>", figures_views.benchmark, name="benchmark"),
]
