import math
import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, background, twofactor
from .constants import Role
from .forms import SecondFactorForm


@require_GET
def home(request):
    """Everyone starts where their work is."""
    role = request.user.role
    if role == Role.COORDINATOR:
        return redirect("cases:queue")
    if role == Role.MEDIATOR:
        return redirect("cases:my_cases")
    if role == Role.REFERRER:
        return redirect("referrals:list")
    if role == Role.ADMIN:
        return redirect("admin:index")
    return render(request, "home_no_role.html")


def health_response() -> JsonResponse:
    """Liveness and database check for load balancers. No auth, no data, no session.

    Answered by HealthCheckMiddleware before any other middleware, so a session cookie on
    the request cannot turn a database outage into a 500.
    """
    try:
        tasks = background.queue_health(gave_up=False)
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        connection.close_if_unusable_or_obsolete()
        response = JsonResponse({"status": "unavailable"}, status=503)
        response["Retry-After"] = "10"
        return response
    body = {"status": "ok", "tasks": tasks}
    if tasks["oldest_waiting_seconds"] > settings.TASK_QUEUE_STALLED_AFTER:
        # Mail waits and nobody sends it: no worker runs, or it is stuck.
        return JsonResponse({**body, "status": "queue_stalled"}, status=503)
    return JsonResponse(body)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """The URL, for reverse() and the access matrix; the middleware answers it first."""
    return health_response()


def locked_out(request, response, credentials):
    """django-axes calls this after repeated failed logins: log it, answer 429 in Dutch."""
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    audit.login_locked_out(request, username=str(username))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


@login_not_required
@require_GET
def favicon(request):
    """The app's icon where a browser looks by default (pages without an icon link: the admin's)."""
    return redirect(static("img/favicon.svg"))  # not permanent: the hashed name changes with the file


# --- The shell: statements and the service's logo ---------------------------------------


def _statement(request, service_id, template):
    """A statement page: the signed-in user's service, the one in the address, or (public,
    no service known) the general text with the list of services to choose from."""
    from .models import MediationService

    service = None
    if service_id is not None:
        service = get_object_or_404(MediationService.objects.filter(is_active=True), pk=service_id)
    elif request.user.is_authenticated and request.user.service_id:
        service = request.user.service
    services = None if service else MediationService.objects.filter(is_active=True).only("name").order_by("name")
    return render(request, template, {"service": service, "services": services})


@login_not_required
@require_GET
def privacy_statement(request, service_id=None):
    return _statement(request, service_id, "statements/privacy.html")


@login_not_required
@require_GET
def accessibility_statement(request, service_id=None):
    return _statement(request, service_id, "statements/accessibility.html")


@login_not_required
@require_GET
def service_logo(request, service_id):
    """A service's logo (public: it is in the header of its public pages). Its address
    carries the upload time, so a browser keeps it; an SVG runs no script (CSP sandbox)."""
    from .models import ServiceLogo

    logo = get_object_or_404(ServiceLogo.objects.filter(service__is_active=True), service_id=service_id)
    response = HttpResponse(bytes(logo.content), content_type=logo.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable" if request.GET.get("v") else "no-cache"
    return response


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent from a page that is too old (or without cookies): the app's own page, in the
    user's language, with the way back, instead of Django's bare one."""
    return render(request, "errors/csrf.html", status=403)


@login_not_required
def bench_hello(request):
    """The stack's own ceiling, unauthenticated (only with BENCH_VIEWS on)."""
    return HttpResponse("hallo")


def bench_hello_authenticated(request):
    """The stack's ceiling for a logged-in person: session, user, middleware (BENCH_VIEWS)."""
    return HttpResponse("hallo " + request.user.get_username())


def _database_unavailable(error: BaseException | None) -> bool:
    """Whether the database being away (a restart, a failover) caused this error."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def service_unavailable() -> HttpResponse:
    """The database is away for a moment: say so with 503 and when to try again, not 500 or 400."""
    response = HttpResponse(loader.render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = "10"
    return response


def bad_request(request, exception=None):
    # A session that could not be saved because the database restarted reads as a
    # "session interrupted" 400; it is an outage.
    if _database_unavailable(exception):
        return service_unavailable()
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors: whatever broke (the database, say) must not break this page too.
    if _database_unavailable(sys.exc_info()[1]):
        return service_unavailable()
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))


# --- Two-factor login ----------------------------------------------------------------------


def second_factor_exempt(view):
    """Reachable after the password but before the second factor (SecondFactorMiddleware)."""
    view.second_factor_exempt = True
    return view


_logout = auth_views.LogoutView.as_view()


@second_factor_exempt
@require_http_methods(["GET", "POST"])
def logout(request):
    """Logging out is a POST (a link cannot log anyone out); a GET shows the button for it."""
    if request.method == "POST":
        return _logout(request)
    return render(request, "registration/logout_confirm.html")


def _safe_next(request) -> str:
    """Where to go after a login step: a path on this site, never a view name or another host."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    same_site_path = target.startswith("/") and not target.startswith("//") and "\\" not in target
    if same_site_path and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@second_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verification = twofactor.verify_second_factor(request, form.cleaned_data["code"])
        if verification.ok:
            request.session.cycle_key()
            return redirect(_safe_next(request))
        if verification.locked_until:
            form.add_error("code", _wait_message(verification.locked_until))
        else:
            form.add_error("code", _("Deze code klopt niet of is al gebruikt. Probeer de nieuwste code uit uw app."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _safe_next(request)})


def _wait_message(until) -> str:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if seconds < 60:
        wait = ngettext("%(count)d seconde", "%(count)d seconden", seconds) % {"count": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(count)d minuut", "%(count)d minuten", minutes) % {"count": minutes}
    return _(
        "Er zijn te veel onjuiste codes ingevuld. Wacht %(wait)s en probeer het dan opnieuw; "
        "deze code is nog niet gecontroleerd."
    ) % {"wait": wait}


@second_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Connect an authenticator app. Someone already verified may replace their app."""
    if twofactor.has_authenticator(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
    device = twofactor.totp_setup_start(request)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.totp_setup_confirm(request, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            request.session.cycle_key()
            return render(request, "registration/backup_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("code", _("Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en probeer opnieuw."))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_code": twofactor.qr_code_data_uri(device),
            "manual_key": twofactor.manual_key(device),
            "next": _safe_next(request),
            "required": twofactor.requires_second_factor(request.user),
        },
    )


@require_POST
def backup_codes_renew(request):
    codes = twofactor.backup_codes_renew(request.user)
    return render(request, "registration/backup_codes.html", {"codes": codes, "next": reverse("home")})
