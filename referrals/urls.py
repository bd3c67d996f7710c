from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("nieuw/", views.referral_create, name="create"),
    path("nieuw/advies/", views.referral_advice, name="advice"),
    path("telefonisch/", views.referral_register, name="register"),
    path("<int:referral_id>/ontvangen/", views.referral_done, name="done"),
    path("zaak/<str:reference>/bevestigen/", views.referral_confirm, name="confirm"),
    path("zaak/<str:reference>/intrekken/", views.referral_withdraw, name="withdraw"),
]
