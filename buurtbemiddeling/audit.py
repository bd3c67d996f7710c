"""The audit vocabulary: one named function per event, so the trail is greppable.

Two trails:
- changes (create, update, delete) of the models the personal-data registry marks as
  audited are recorded by django-auditlog; personal values are masked completely;
- views of personal data (a case page, a search result, an export) are `AccessLog` rows
  written by the functions below: who, role, organisation, which object, allowed or
  denied, client address, UTC time; never the personal data itself.
Both tables are append-only (database triggers, see migration 0005_append_only_logs).
"""

import ipaddress

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import AccessAction, AccessLog

MASK = "[afgeschermd]"


def mask_value(value) -> str:
    """auditlog's mask: nothing of the value is kept (auditlog's default keeps half)."""
    return MASK


def register_models() -> None:
    """Register the audited models of the personal-data registry, their personal fields masked."""
    from auditlog.registry import auditlog

    from . import personal_data

    for registration in personal_data.registrations():
        if registration.audited:
            exclude = ["password", "last_login"] if registration.label == "buurtbemiddeling.User" else []
            auditlog.register(registration.model, mask_fields=registration.masked, exclude_fields=exclude)


def client_address(request) -> str | None:
    """The visitor's address, for the logs, login throttling and rate limits.

    REMOTE_ADDR, unless it is one of our own reverse proxies (TRUSTED_PROXIES): then the
    last address that proxy appended to X-Forwarded-For. Earlier entries are not trusted,
    since a client can put anything there.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if remote and remote in settings.TRUSTED_PROXIES:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for candidate in reversed(forwarded):
            if candidate and candidate not in settings.TRUSTED_PROXIES:
                try:
                    return str(ipaddress.ip_address(candidate))
                except ValueError:
                    return remote
    return remote


def _write(request, *, action, object_type="", object_id="", allowed=True, detail="") -> AccessLog:
    user = getattr(request, "user", None) if request is not None else None
    authenticated = getattr(user, "is_authenticated", False)
    organisation = str(user.partner_organisation or user.service or "") if authenticated else ""
    return AccessLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        role=(user.role or "") if authenticated else "",
        service_id=user.service_id if authenticated else None,
        organisation=organisation[:200],
        action=action,
        object_type=object_type,
        # What was asked for, as asked; a NUL byte (from the address bar) PostgreSQL cannot store.
        object_id=str(object_id).replace("\x00", "\ufffd")[:64],
        allowed=allowed,
        client_address=client_address(request) if request is not None else None,
        detail=detail[:200],
    )


def case_viewed(request, case) -> AccessLog | None:
    """One row per time the case page is shown, not again for the page an action redirects back to."""
    if getattr(request, "after_post_redirect", False):
        return None
    return _write(request, action=AccessAction.CASE_VIEWED, object_type="case", object_id=case.reference)


def case_view_denied(request, reference: str) -> AccessLog:
    """Someone asked for a case they may not see (or that does not exist)."""
    return _write(request, action=AccessAction.CASE_VIEWED, object_type="case", object_id=reference, allowed=False)


def case_list_viewed(request, *, page: str, count: int, searched: bool = False, filters=()) -> AccessLog:
    """A page that lists residents: which page, which kinds of filter, how many rows shown.

    Never the search term or a filter's value: only that a term was used and the names of
    the filters (status, wijk, ...).
    """
    parts = [str(_("zoekterm gebruikt") if searched else _("zonder zoekterm"))]
    if filters:
        parts.append(str(_("filters")) + ": " + " ".join(sorted(filters)))
    return _write(
        request,
        action=AccessAction.CASE_LIST_VIEWED,
        object_type="case_list",
        object_id=page,
        detail=", ".join(parts) + f", {count}",
    )


def export_made(request, *, kind: str, count: int) -> AccessLog:
    return _write(request, action=AccessAction.EXPORT, object_type="export", object_id=kind, detail=str(count))


def letter_made(request, *, case, party_id: int, fmt: str) -> AccessLog:
    """A letter to a party of the case, shown to print ("page") or downloaded ("pdf")."""
    detail = f"brief ({fmt}) aan partij #{party_id}"
    return _write(request, action=AccessAction.EXPORT, object_type="case", object_id=case.reference, detail=detail)


def subject_access_exported(request, *, party) -> AccessLog:
    return _write(request, action=AccessAction.SUBJECT_ACCESS, object_type="party", object_id=party.pk)


def resident_erased(request, *, party_id) -> AccessLog:
    return _write(request, action=AccessAction.ERASURE, object_type="party", object_id=party_id)


def retention_applied(*, service, count: int, dry_run: bool) -> AccessLog:
    return AccessLog.objects.create(
        action=AccessAction.RETENTION_RUN,
        service=service,
        organisation=str(service)[:200],
        object_type="service",
        object_id=str(service.pk),
        allowed=True,
        username="anonymise_expired",
        detail=f"{'dry-run' if dry_run else 'applied'}: {count}",
    )


def login_locked_out(request, *, username: str) -> AccessLog:
    return _write(
        request, action=AccessAction.LOGIN_LOCKED, object_type="login", object_id=username[:64], allowed=False
    )


def access_history(*, object_type: str, object_id: str, limit: int = 50):
    return AccessLog.objects.filter(object_type=object_type, object_id=object_id).order_by("-at", "-id")[:limit]
