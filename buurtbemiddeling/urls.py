from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views
from .admin import admin_login
from .forms import LoginForm, QueuedPasswordResetForm

admin.site.site_header = "Buurtbemiddeling beheer"
admin.site.site_title = "Buurtbemiddeling beheer"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (Django admin's).
    path("favicon.ico", views.favicon, name="favicon"),
    path("taal/", login_not_required(set_language), name="set_language"),
    path("privacy/", views.privacy_statement, name="privacy_statement"),
    path("privacy/<int:service_id>/", views.privacy_statement, name="privacy_statement_of"),
    path("toegankelijkheid/", views.accessibility_statement, name="accessibility_statement"),
    path("toegankelijkheid/<int:service_id>/", views.accessibility_statement, name="accessibility_statement_of"),
    path("organisatie/<int:service_id>/logo/", views.service_logo, name="service_logo"),
    path("inloggen/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("uitloggen/", views.logout, name="logout"),
    path("inloggen/code/", views.two_factor_verify, name="two_factor_verify"),
    path("account/tweestapsverificatie/", views.two_factor_setup, name="two_factor_setup"),
    path("account/reservecodes/", views.backup_codes_renew, name="backup_codes_renew"),
    path("wachtwoord/wijzigen/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/gewijzigd/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "wachtwoord/vergeten/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("wachtwoord/vergeten/verstuurd/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "wachtwoord/nieuw/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("wachtwoord/nieuw/klaar/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("melden/", include("selfreport.urls")),
    path("zaken/", include("cases.urls")),
    path("agenda/", include(("cases.appointments", "agenda"))),
    path("cijfers/", include("reports.urls")),
    path("brieven/", include("reports.letter_urls")),
    path("verwijzingen/", include("referrals.urls")),
    path("partners/", include("partners.urls")),
    path("bemiddelaars/", include("organisations.urls")),
    # One login page for everyone; a clear no for those logged in without admin rights.
    path("admin/login/", admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
]


if settings.BENCH_VIEWS:
    # Bare views for the benchmark's baseline (make bench); never on in production.
    urlpatterns += [
        path("bench/hello", views.bench_hello, name="bench_hello"),
        path("bench/hello-auth", views.bench_hello_authenticated, name="bench_hello_auth"),
    ]

handler400 = "buurtbemiddeling.views.bad_request"
handler403 = "buurtbemiddeling.views.permission_denied"
handler404 = "buurtbemiddeling.views.page_not_found"
handler500 = "buurtbemiddeling.views.server_error"
