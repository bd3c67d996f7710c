from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import audit
from .constants import Role


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


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness and database check for load balancers. No auth, no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def locked_out(request, response, credentials):
    """django-axes calls this after repeated failed logins: log it, answer 429 in Dutch."""
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    audit.login_locked_out(request, username=str(username))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


@login_not_required
def bench_hello(request):
    """The stack's own ceiling, unauthenticated (only with BENCH_VIEWS on)."""
    return HttpResponse("hallo")


def bench_hello_authenticated(request):
    """The stack's ceiling for a logged-in person: session, user, middleware (BENCH_VIEWS)."""
    return HttpResponse("hallo " + request.user.get_username())


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors: whatever broke (the database, say) must not break this page too.
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))
