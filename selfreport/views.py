"""The public self-report flow: residents report a neighbour conflict themselves, without an account.

Four steps, with the state in the (server-side) session and nothing personal in a URL:

1. `start`: a short self-check. Violence or a threat now -> the `police` page and no form;
   not yet talked with the neighbour, or a legal procedure -> the `advice` page, which tips and
   points elsewhere but lets the resident go on; otherwise straight on.
2. `postcode`: the resident's postcode decides the mediation service. None covers it ->
   the `not covered` page, nothing stored.
3. `report`: the form for that service (its conflict types, housing corporations, privacy
   statement and retention period). Creates the case through `case_create`.
4. `done`: the reference, what happens next and when; optionally a confirmation e-mail
   without any content of the report.

Abuse protection: Django's CSRF check, a honeypot field, and a rate limit per client
address in the shared cache. Every field has a max_length; no files are accepted.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from buurtbemiddeling import submissions
from buurtbemiddeling.models import MediationService
from cases import events
from cases.constants import Channel
from cases.services import case_create

from . import tasks
from .forms import LegalProcedure, PostcodeForm, ReportForm, SelfCheckForm, Talked, Violence
from .ratelimit import public_step, take_report, too_many

SESSION_KEY = "selfreport"
DONE_SESSION_KEY = "selfreport_done"
STEPS = 4


# The report form carries its own signed state, so a resident who takes longer than the
# session's idle timeout to write does not lose what they typed.
STATE_SALT = "cases.selfreport.state"
STATE_MAX_AGE = 4 * 60 * 60


# --- State --------------------------------------------------------------------------------


def _flow(request) -> dict:
    data = request.session.get(SESSION_KEY)
    return dict(data) if isinstance(data, dict) else {}


def _check_of(flow: dict) -> dict | None:
    check = flow.get("check")
    return check if isinstance(check, dict) else None


def _needs_advice(check: dict) -> bool:
    return (
        check.get("talked") != Talked.YES
        or check.get("violence") == Violence.PAST
        or check.get("legal") == LegalProcedure.YES
    )


def _service_for_postcode(postcode: str) -> MediationService | None:
    return MediationService.objects.covering_postcode(postcode).order_by("pk").first()


def _state_from_token(token: str) -> dict | None:
    if not token or len(token) > 2000:
        return None
    try:
        state = signing.loads(token, salt=STATE_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        return None
    return state if isinstance(state, dict) else None


def _report_state(request) -> dict | None:
    """Which service the report is for: the form's own signed state, else the session."""
    state = None
    if request.method == "POST":
        state = _state_from_token(request.POST.get("state", ""))
    if state is None:
        flow = _flow(request)
        if _check_of(flow) and flow.get("service_id") and flow.get("submission_id"):
            state = {key: flow.get(key) for key in ("check", "postcode", "service_id", "submission_id")}
    if state is None or not isinstance(state.get("check"), dict):
        return None
    if state["check"].get("violence") == Violence.NOW:
        return None
    return state


def _finish(request, *, service, reference: str, by_phone: bool, email_sent: bool) -> None:
    """The report went out (or seemed to): end the flow, show step 4."""
    request.session.pop(SESSION_KEY, None)
    request.session[DONE_SESSION_KEY] = {
        "reference": reference,
        "service_id": service.pk,
        "by_phone": by_phone,
        "email_sent": email_sent,
    }


class RateLimited(Exception):
    """This address reported as often as the hour allows (nothing of this report is kept)."""


# --- Views --------------------------------------------------------------------------------


def _progress(step: int) -> dict:
    return {"step": step, "steps": STEPS}


@public_step()
def start(request):
    """Step 1: the self-check."""
    flow = _flow(request)
    if request.method == "POST":
        form = SelfCheckForm(request.POST)
        if form.is_valid():
            check = dict(form.cleaned_data)
            flow["check"] = check
            request.session[SESSION_KEY] = flow
            if check["violence"] == Violence.NOW:
                return redirect("selfreport:police")
            if _needs_advice(check):
                return redirect("selfreport:advice")
            return redirect("selfreport:postcode")
    else:
        form = SelfCheckForm(initial=_check_of(flow))
    return render(request, "selfreport/start.html", {"form": form, **_progress(1)})


@public_step(methods=("GET",))
def police(request):
    """Violence or a threat: the police, not mediation. No form on this page."""
    return render(request, "selfreport/police.html")


@public_step(methods=("GET",))
def advice(request):
    """Tips and other help, from the self-check answers; the resident may still go on."""
    check = _check_of(_flow(request))
    if check is None:
        return redirect("selfreport:start")
    if check.get("violence") == Violence.NOW:
        return redirect("selfreport:police")
    context = {
        "not_yet_talked": check.get("talked") == Talked.NOT_YET,
        "cannot_talk": check.get("talked") == Talked.CANNOT,
        "violence_past": check.get("violence") == Violence.PAST,
        "legal_procedure": check.get("legal") == LegalProcedure.YES,
        **_progress(1),
    }
    return render(request, "selfreport/advice.html", context)


@public_step()
def postcode(request):
    """Step 2: the postcode decides which mediation service gets the report."""
    flow = _flow(request)
    check = _check_of(flow)
    if check is None:
        return redirect("selfreport:start")
    if check.get("violence") == Violence.NOW:
        return redirect("selfreport:police")
    back = "selfreport:advice" if _needs_advice(check) else "selfreport:start"
    if request.method == "POST":
        form = PostcodeForm(request.POST)
        if form.is_valid():
            value = form.cleaned_data["postcode"]
            service = _service_for_postcode(value)
            if service is None:
                for key in ("postcode", "service_id", "submission_id"):
                    flow.pop(key, None)
                request.session[SESSION_KEY] = flow
                return render(request, "selfreport/not_covered.html", {"postcode": value})
            if flow.get("postcode") != value or flow.get("service_id") != service.pk or not flow.get("submission_id"):
                flow.update(postcode=value, service_id=service.pk, submission_id=uuid.uuid4().hex)
            request.session[SESSION_KEY] = flow
            return redirect("selfreport:report")
    else:
        form = PostcodeForm(initial={"postcode": flow.get("postcode", "")})
    return render(request, "selfreport/postcode.html", {"form": form, "back": back, **_progress(2)})


@public_step()
def report(request):
    """Step 3: the report for the routed service."""
    state = _report_state(request)
    if state is None:
        if request.method == "POST":
            messages.info(request, _("Uw gegevens zijn niet meer bewaard. Begin alstublieft opnieuw."))
        check = _check_of(_flow(request))
        if check and check.get("violence") != Violence.NOW:
            return redirect("selfreport:postcode")
        return redirect("selfreport:start")
    service = MediationService.objects.filter(pk=state.get("service_id"), is_active=True).first()
    postcode_value = state.get("postcode")
    if service is None or not isinstance(postcode_value, str):
        return redirect("selfreport:postcode")
    submission_id = str(state.get("submission_id"))
    token = signing.dumps(state, salt=STATE_SALT)

    if request.method == "POST":
        if request.POST.get("website", ""):
            # The honeypot: people never see this field, scripts fill it in. Look successful.
            take_report(request)
            _finish(request, service=service, reference="", by_phone=False, email_sent=False)
            return redirect("selfreport:done")
        form = ReportForm(request.POST, service=service)
        if form.is_valid():
            data = form.cleaned_data
            send = bool(data["send_confirmation"] and data["email"])
            try:
                with transaction.atomic():
                    # Sent before (a double click, the back button, two tabs): the first stands.
                    submission = submissions.claim(submission_id, scope="selfreport")
                    if not take_report(request):
                        raise RateLimited
                    case = case_create(
                        service=service,
                        actor=None,
                        channel=Channel.SELF_REPORT,
                        parties=form.party_data(postcode=postcode_value),
                        conflict_types=form.conflict_types_chosen(),
                        description=form.case_description(check=state["check"]),
                        tried_already=data["tried_already"],
                    )
                    may_know = form.organisations_that_may_know()
                    if may_know:
                        # The resident's own request: recorded as disclosure consents, in this
                        # transaction (partners receives it).
                        events.disclosure_requested.send(
                            sender="selfreport",
                            party_id=case.parties.get(is_reporter=True).pk,
                            organisation_ids=[org.pk for org in may_know],
                            given_on=timezone.localdate(),
                        )
                    if send:
                        # A task in this transaction: sent by the worker, retried while the
                        # mail server is away; no request waits for it.
                        tasks.send_report_confirmation.enqueue(case_id=case.pk, language=translation.get_language())
                    submissions.record(submission, result=case.reference)
            except RateLimited:
                return too_many(request)
            except submissions.AlreadySubmitted as first:
                if not isinstance(request.session.get(DONE_SESSION_KEY), dict):
                    request.session[DONE_SESSION_KEY] = {"reference": first.result, "service_id": service.pk}
                request.session.pop(SESSION_KEY, None)
                return redirect("selfreport:done")
            except ValidationError as error:
                form.add_error(
                    None,
                    _("Uw melding kon niet worden opgeslagen: %(reason)s")
                    % {"reason": " ".join(str(message) for message in error.messages)},
                )
            else:
                _finish(
                    request,
                    service=service,
                    reference=case.reference,
                    by_phone=bool(data["phone"]),
                    email_sent=send,
                )
                return redirect("selfreport:done")
    else:
        form = ReportForm(service=service)
    context = {
        "form": form,
        "service": service,
        "postcode": postcode_value,
        "state_token": token,
        **_progress(3),
    }
    return render(request, "selfreport/report.html", context)


@login_not_required
@never_cache
@require_GET
def done(request):
    """Step 4: the reference and what happens next."""
    data = request.session.get(DONE_SESSION_KEY)
    if not isinstance(data, dict):
        return redirect("selfreport:start")
    service = MediationService.objects.filter(pk=data.get("service_id")).first()
    if service is None:
        return redirect("selfreport:start")
    context = {
        "service": service,
        "reference": data.get("reference", ""),
        "by_phone": data.get("by_phone", False),
        "email_sent": data.get("email_sent", False),
        **_progress(4),
    }
    return render(request, "selfreport/done.html", context)
