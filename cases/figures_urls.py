"""The figures section (Cijfers): placeholder until the figures pages land."""

from django.urls import path

from . import figures_views

app_name = "figures"

urlpatterns = [
    path("", figures_views.overview, name="overview"),
]
