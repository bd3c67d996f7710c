import hashlib
import time
from urllib.parse import urlencode, urlsplit

from auditlog import middleware as auditlog_middleware
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import middleware as otp_middleware
from django_otp.models import Device

from . import submissions
from .backends import known_user


class HealthCheckMiddleware:
    """Answer /healthz first, before sessions, users or locales touch the database.

    During a database restart every other middleware would fail on the request's session
    cookie (a 500 or a 400); the load balancer must see the documented 503 instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = "/healthz"

    def __call__(self, request):
        if request.path_info == self.path and request.method in ("GET", "HEAD"):
            from .views import health_response

            response = health_response()
            add_never_cache_headers(response)
            return response
        return self.get_response(request)


class SubmissionKeyMiddleware:
    """A POST with a submission key runs once per key (buurtbemiddeling/submissions.py).

    The key is claimed and the view run in one transaction. A redirect (the form was
    stored) keeps the claim with where it led; any other answer (the form re-rendered
    with errors, a refusal) releases it. A repeat of a stored key is sent to that result.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST":
            return None
        keys = request.POST.getlist(submissions.FIELD)
        if len(keys) != 1 or not submissions.KEY_RE.match(keys[0]):
            return None
        scope = "post:" + hashlib.sha256(request.path_info.encode()).hexdigest()[:24]
        try:
            with transaction.atomic():
                claimed = submissions.claim(keys[0], scope=scope)
                response = view(request, *args, **kwargs)
                if response.status_code in (301, 302, 303) and response.has_header("Location"):
                    submissions.record(claimed, result=response["Location"])
                else:
                    claimed.delete()
                return response
        except submissions.AlreadySubmitted as first:
            messages.info(request, _("Dit formulier was al verstuurd. Er is niets dubbel opgeslagen."))
            result = first.result if first.result.startswith("/") else request.path_info
            return redirect(result)


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a logged-in person may hold personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the person chose otherwise with the language switch.

    Django's own middleware follows the browser's Accept-Language, which would show most
    staff an English interface; these services work in Dutch.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class AuditlogMiddleware(auditlog_middleware.AuditlogMiddleware):
    """django-auditlog's middleware, taking the client address from REMOTE_ADDR only.

    Its default trusts X-Forwarded-For, which any client can forge.
    """

    @staticmethod
    def _get_remote_addr(request):
        from .audit import client_address

        return client_address(request)


class AbsoluteSessionLifetimeMiddleware:
    """End every session a fixed time after login, however active it was (default 10 hours).

    And the idle timeout (SESSION_COOKIE_AGE, 15 minutes): a request renews a session that
    holds anything, written at most once per SESSION_RENEW_SECONDS so that a page costs no
    write (the session then ends between 14 and 15 minutes after the last request).
    """

    SESSION_KEY = "bb_authenticated_at"
    RENEWED_KEY = "bb_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def start(cls, sender, request, user, **kwargs):
        """At login (user_logged_in), which writes the session anyway: both clocks start."""
        session = getattr(request, "session", None)
        if session is not None:
            session[cls.SESSION_KEY] = session[cls.RENEWED_KEY] = time.time()

    def __call__(self, request):
        now = time.time()
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.session_key  # a cookie, and behind it a session holding something
            and set(session.keys()) - {self.RENEWED_KEY}
            and now - session.get(self.RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS
        ):
            session[self.RENEWED_KEY] = now  # a change: SessionMiddleware writes the new expiry
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(self.SESSION_KEY)
            if started is None:
                request.session[self.SESSION_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("U was lang ingelogd. Log opnieuw in om verder te gaan."))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's OTPMiddleware, reading the session's device with its user in one statement.

    django.contrib.auth then takes that user (backends.known_user) instead of reading it
    again; its checks all still run (the session's user id and password hash, is_active),
    as do django-otp's (the device belongs to the user and is confirmed). The user comes
    with their service, which nearly every page needs.
    """

    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = self._device_with_user(persistent_id) if persistent_id else None
        with known_user(device.user if device is not None else None):
            self._init_user_fields(user)
            if user.is_authenticated:
                user.otp_device = self._finalize_device(request, user, device)
        return user

    def _device_with_user(self, persistent_id: str):
        try:
            label, pk = self._normalize_persistent_id(persistent_id).rsplit("/", 1)
            model = apps.get_model(label)
            if not issubclass(model, Device):
                return None
            return model.objects.select_related("user__service").filter(pk=int(pk)).first()
        except (ValueError, LookupError):
            return None


class SecondFactorMiddleware:
    """After the password, the second factor: nothing else opens until it is given.

    Public pages (marked login_not_required) and the pages that ask for the second factor
    (marked `second_factor_exempt`) stay reachable. Must come after OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from .twofactor import has_authenticator, requires_second_factor

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True) or getattr(view_func, "second_factor_exempt", False):
            return None
        if not requires_second_factor(user):
            return None
        target = "two_factor_verify" if has_authenticator(user) else "two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class PostRedirectMiddleware:
    """Marks the page an action sends its user back to, so that view is not logged again.

    A coordinator looks at a case (one access-log row), acts on it (a POST) and is sent back
    to the same page: that is still the one look. After a signed-in POST whose redirect goes
    back to the page the form was on (its Referer), the next GET of that page carries
    `request.after_post_redirect`; `audit.case_viewed` then writes nothing. Any other GET
    clears the mark. Without a Referer nothing is marked: one row too many, never one too few.
    """

    SESSION_KEY = "_bb_post_redirect"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marked = request.session.pop(self.SESSION_KEY, None) if request.method == "GET" else None
        request.after_post_redirect = marked is not None and marked == request.path
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code in (302, 303)
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            target = urlsplit(response.get("Location", "")).path
            referer = urlsplit(request.META.get("HTTP_REFERER", "")).path
            if target and target == referer:
                request.session[self.SESSION_KEY] = target
        return response
