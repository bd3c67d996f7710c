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

import time
import unicodedata
import uuid
from functools import partial, wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from buurtbemiddeling.audit import client_address
from buurtbemiddeling.models import MediationService
from buurtbemiddeling.validators import normalise_phone, normalise_postcode, validate_no_control_characters
from partners.constants import OrganisationKind
from partners.models import PartnerOrganisation

from .constants import Channel, PreferredContact, Side, Tenure
from .models import ConflictType
from .services import case_create

SESSION_KEY = "selfreport"
DONE_SESSION_KEY = "selfreport_done"
STEPS = 4

# Per client address and clock hour. A household or a community centre behind one address
# still has room; a script does not.
RATE_WINDOW = 60 * 60

# The report form carries its own signed state, so a resident who takes longer than the
# session's idle timeout to write does not lose what they typed.
STATE_SALT = "cases.selfreport.state"
STATE_MAX_AGE = 4 * 60 * 60

# Bidirectional-text controls can disguise what a name or address really says.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --- The self-check answers -----------------------------------------------------------


class Talked(models.TextChoices):
    YES = "yes", gettext_lazy("Ja")
    NOT_YET = "not_yet", gettext_lazy("Nee, nog niet")
    CANNOT = "cannot", gettext_lazy("Nee, dat durf ik niet of het lukt niet")


class Violence(models.TextChoices):
    NO = "no", gettext_lazy("Nee")
    NOW = "now", gettext_lazy("Ja, ik word bedreigd of ik voel me niet veilig")
    PAST = "past", gettext_lazy("Het is eerder gebeurd, maar de dreiging is nu voorbij")


class LegalProcedure(models.TextChoices):
    NO = "no", gettext_lazy("Nee")
    YES = "yes", gettext_lazy("Ja")
    UNKNOWN = "unknown", gettext_lazy("Weet ik niet")


# --- Forms ------------------------------------------------------------------------------


def validate_plain_text(value: str) -> None:
    """Control characters and text-direction tricks are never meant by a resident."""
    validate_no_control_characters(value)
    if value and any(ch in BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") for ch in value):
        raise ValidationError(_("Deze tekst bevat ongeldige tekens."), code="control_characters")


class ResidentFormMixin:
    """Bootstrap classes and screen-reader links between an input, its hint and its error.

    Hints and errors get ids (`<id>-hint`, `<id>-error`) that the input names in
    `aria-describedby`; groups of radios or checkboxes carry that on their fieldset instead
    (see templates/selfreport/_choices.html).
    """

    GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, (*self.GROUP_WIDGETS, forms.CheckboxInput)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if isinstance(widget, forms.Textarea):
                # Over-long text gets a clear message rather than being cut off silently.
                widget.attrs.pop("maxlength", None)
        self._describe()

    def full_clean(self):
        super().full_clean()
        self._describe()

    def _describe(self):
        errors = self._errors or {}
        for name, field in self.fields.items():
            widget = field.widget
            if widget.is_hidden or isinstance(widget, self.GROUP_WIDGETS):
                continue
            # Not self[name]: that caches a bound field before subclasses finish their labels.
            auto_id = self.auto_id % self.add_prefix(name)
            described = []
            if field.help_text:
                described.append(f"{auto_id}-hint")
            if name in errors:
                described.append(f"{auto_id}-error")
                widget.attrs["aria-invalid"] = "true"
                if "is-invalid" not in widget.attrs["class"]:
                    widget.attrs["class"] += " is-invalid"
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    validate_plain_text(value)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


TOO_LONG = gettext_lazy("Gebruik maximaal %(limit_value)d tekens. Nu zijn het er %(show_value)d.")


def _choice(label, choices, *, required=True, message=None, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": message or gettext_lazy("Kies een antwoord.")},
    )


def _text(label, max_length, *, required=False, message=None, help_text="", textarea=False, **attrs):
    widget = forms.Textarea(attrs={"rows": 5, **attrs}) if textarea else forms.TextInput(attrs=attrs)
    error_messages = {"max_length": TOO_LONG}
    if message:
        error_messages["required"] = message
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages=error_messages,
    )


class SelfCheckForm(ResidentFormMixin, forms.Form):
    talked = _choice(gettext_lazy("Hebt u zelf al met uw buren gepraat over het probleem?"), Talked.choices)
    violence = _choice(
        gettext_lazy("Is er geweld gebruikt, of wordt u bedreigd?"),
        Violence.choices,
        help_text=gettext_lazy("Bijvoorbeeld slaan, duwen, of zeggen dat ze u iets aan zullen doen."),
    )
    legal = _choice(
        gettext_lazy("Loopt er over dit probleem een rechtszaak of een andere juridische procedure?"),
        LegalProcedure.choices,
    )


class PostcodeForm(ResidentFormMixin, forms.Form):
    postcode = _text(
        gettext_lazy("Wat is uw postcode?"),
        20,
        required=True,
        message=gettext_lazy("Vul uw postcode in, bijvoorbeeld 1234 AB."),
        help_text=gettext_lazy("Bijvoorbeeld 1234 AB"),
        autocomplete="postal-code",
        **{"class": "input-short"},
    )

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])


CONTACT_CHOICES = [
    (c.value, c.label) for c in (PreferredContact.PHONE, PreferredContact.EMAIL, PreferredContact.LETTER)
]
TENURE_CHOICES = [
    (Tenure.OWNER.value, gettext_lazy("Koophuis: ik ben eigenaar")),
    (Tenure.TENANT_CORPORATION.value, gettext_lazy("Huurhuis van een woningcorporatie")),
    (Tenure.TENANT_PRIVATE.value, gettext_lazy("Huurhuis van een particuliere verhuurder")),
    (Tenure.UNKNOWN.value, gettext_lazy("Weet ik niet of zeg ik liever niet")),
]
OTHER_CORPORATION = "other"


class ReportForm(ResidentFormMixin, forms.Form):
    """The report itself. The field order is the page order (and the error summary's)."""

    # About the resident.
    name = _text(
        gettext_lazy("Uw naam"), 200, required=True, message=gettext_lazy("Vul uw naam in."), autocomplete="name"
    )
    phone = _text(
        gettext_lazy("Telefoonnummer"),
        30,
        help_text=gettext_lazy("Bijvoorbeeld 06 12345678"),
        autocomplete="tel",
        inputmode="tel",
        type="tel",
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mailadres"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("Bijvoorbeeld naam@voorbeeld.nl"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": gettext_lazy("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
            "max_length": TOO_LONG,
        },
    )
    street = _text(
        gettext_lazy("Straat"),
        200,
        required=True,
        message=gettext_lazy("Vul uw straat in."),
        autocomplete="address-line1",
    )
    house_number = _text(
        gettext_lazy("Huisnummer"),
        20,
        required=True,
        message=gettext_lazy("Vul uw huisnummer in."),
        help_text=gettext_lazy("Met toevoeging, bijvoorbeeld 12a"),
        **{"class": "input-short"},
    )
    city = _text(gettext_lazy("Plaats"), 100, autocomplete="address-level2")
    preferred_contact = _choice(gettext_lazy("Hoe wilt u het liefst contact?"), CONTACT_CHOICES, required=False)
    contact_time_preference = _text(
        gettext_lazy("Wanneer bent u het best te bereiken?"),
        200,
        help_text=gettext_lazy("Bijvoorbeeld: doordeweeks na 17.00 uur"),
    )
    # About the neighbour.
    neighbour_name = _text(
        gettext_lazy("Naam van uw buren"),
        200,
        help_text=gettext_lazy("Weet u de naam niet? Laat dit dan leeg."),
        autocomplete="off",
    )
    neighbour_street = _text(
        gettext_lazy("Straat"),
        200,
        required=True,
        message=gettext_lazy("Vul de straat van uw buren in."),
        autocomplete="off",
    )
    neighbour_house_number = _text(
        gettext_lazy("Huisnummer"),
        20,
        required=True,
        message=gettext_lazy("Vul het huisnummer van uw buren in."),
        help_text=gettext_lazy("Met toevoeging, bijvoorbeeld 12a"),
        autocomplete="off",
        **{"class": "input-short"},
    )
    neighbour_postcode = _text(
        gettext_lazy("Postcode"),
        20,
        help_text=gettext_lazy("Bijvoorbeeld 1234 AB. Weet u het niet? Laat dit dan leeg."),
        autocomplete="off",
        **{"class": "input-short"},
    )
    neighbour_city = _text(gettext_lazy("Plaats"), 100, autocomplete="off")
    # The conflict.
    conflict_types = forms.MultipleChoiceField(
        label=gettext_lazy("Waar gaat het over?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("U kunt meer dan één ding kiezen."),
        error_messages={
            "required": gettext_lazy("Kies minstens één onderwerp. Past niets? Kies dan Overig."),
            "invalid_choice": gettext_lazy("Kies een onderwerp uit de lijst."),
        },
    )
    description = _text(
        gettext_lazy("Wat is er aan de hand?"),
        3000,
        required=True,
        message=gettext_lazy("Vertel kort wat er aan de hand is."),
        help_text=gettext_lazy("Vertel in een paar zinnen wat er gebeurt en wat het met u doet. Maximaal 3000 tekens."),
        textarea=True,
    )
    since = _text(
        gettext_lazy("Sinds wanneer speelt dit?"),
        100,
        help_text=gettext_lazy("Bijvoorbeeld: sinds de zomer, of ongeveer 3 maanden"),
    )
    tried_already = _text(
        gettext_lazy("Wat hebt u zelf al geprobeerd?"),
        3000,
        help_text=gettext_lazy("Bijvoorbeeld: een gesprek, een briefje, de verhuurder gebeld. Maximaal 3000 tekens."),
        textarea=True,
        rows=3,
    )
    # The home.
    tenure = _choice(gettext_lazy("Woont u in een koophuis of een huurhuis?"), TENURE_CHOICES, required=False)
    housing_corporation = forms.ChoiceField(
        label=gettext_lazy("Bij welke woningcorporatie huurt u?"),
        required=False,
        help_text=gettext_lazy("Alleen als u huurt bij een woningcorporatie."),
        error_messages={"invalid_choice": gettext_lazy("Kies een woningcorporatie uit de lijst.")},
    )
    housing_corporation_other = _text(
        gettext_lazy("Staat uw woningcorporatie er niet bij? Schrijf dan de naam hier."),
        200,
    )
    # Consent and confirmation.
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Ik geef toestemming dat mijn melding wordt geregistreerd en dat mijn gegevens tijdelijk worden bewaard."
        ),
        error_messages={
            "required": gettext_lazy("Geef toestemming. Zonder uw toestemming kunnen wij uw melding niet behandelen.")
        },
    )
    send_confirmation = forms.BooleanField(
        label=gettext_lazy("Stuur mij een bevestiging per e-mail"),
        required=False,
        help_text=gettext_lazy(
            "In de e-mail staan alleen uw meldnummer en wat er nu gebeurt. Niet wat u hebt geschreven."
        ),
    )

    def __init__(self, *args, service: MediationService, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.conflict_type_objects = {
            str(ct.pk): ct for ct in ConflictType.objects.filter(service=service, is_active=True)
        }
        if self.conflict_type_objects:
            self.fields["conflict_types"].choices = [(pk, ct.name) for pk, ct in self.conflict_type_objects.items()]
        else:
            # A service without (active) conflict types: the description says it all.
            del self.fields["conflict_types"]
        self.corporations = {
            str(org.pk): org
            for org in PartnerOrganisation.objects.filter(
                service=service, kind=OrganisationKind.HOUSING_CORPORATION, is_active=True
            )
        }
        if self.corporations:
            self.fields["housing_corporation"].choices = [
                ("", _("Kies een woningcorporatie (niet verplicht)")),
                *((pk, org.name) for pk, org in self.corporations.items()),
                (OTHER_CORPORATION, _("Een andere woningcorporatie")),
            ]
        else:
            del self.fields["housing_corporation"]
            self.fields["housing_corporation_other"].label = _("Bij welke woningcorporatie huurt u?")
            self.fields["housing_corporation_other"].help_text = _("Alleen als u huurt bij een woningcorporatie.")
            self._describe()
        self.fields["consent"].label = _(
            "Ik geef %(service)s toestemming om mijn melding te registreren en mijn gegevens tijdelijk te bewaren."
        ) % {"service": service.name}

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalise_phone(value) if value else ""

    def clean_neighbour_postcode(self):
        value = self.cleaned_data["neighbour_postcode"]
        return normalise_postcode(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        phone, email = cleaned.get("phone"), cleaned.get("email")
        if "phone" in cleaned and "email" in cleaned and not (phone or email):
            self.add_error(
                "phone", _("Vul een telefoonnummer of een e-mailadres in, zodat wij contact met u kunnen opnemen.")
            )
        elif cleaned.get("preferred_contact") == PreferredContact.PHONE and "phone" in cleaned and not phone:
            self.add_error("phone", _("Vul uw telefoonnummer in, of kies een andere manier van contact."))
        elif cleaned.get("preferred_contact") == PreferredContact.EMAIL and "email" in cleaned and not email:
            self.add_error("email", _("Vul uw e-mailadres in, of kies een andere manier van contact."))
        if cleaned.get("send_confirmation") and "email" in cleaned and not email:
            self.add_error("email", _("Vul uw e-mailadres in als u een bevestiging per e-mail wilt."))
        return cleaned

    def party_data(self, *, postcode: str) -> list[dict]:
        data = self.cleaned_data
        tenure = data.get("tenure") or Tenure.UNKNOWN
        corporation = None
        if tenure == Tenure.TENANT_CORPORATION:
            corporation = self.corporations.get(data.get("housing_corporation") or "")
        reporter = {
            "side": Side.A,
            "is_reporter": True,
            "name": data["name"],
            "street": data["street"],
            "house_number": data["house_number"],
            "postcode": postcode,
            "city": data["city"],
            "phone": data["phone"],
            "email": data["email"],
            "preferred_contact": data.get("preferred_contact") or "",
            "contact_time_preference": data["contact_time_preference"],
            "tenure": tenure,
            "housing_corporation": corporation,
        }
        neighbour = {
            "side": Side.B,
            "is_reporter": False,
            "name": data["neighbour_name"],
            "street": data["neighbour_street"],
            "house_number": data["neighbour_house_number"],
            "postcode": data["neighbour_postcode"],
            "city": data["neighbour_city"],
            "tenure": Tenure.UNKNOWN,
        }
        return [reporter, neighbour]

    def conflict_types_chosen(self) -> list[ConflictType]:
        return [self.conflict_type_objects[pk] for pk in self.cleaned_data.get("conflict_types", [])]

    def case_description(self, *, check: dict) -> str:
        """The resident's text plus what the coordinator should know, in Dutch (the staff's language)."""
        data = self.cleaned_data
        with translation.override("nl"):
            lines = [data["description"], ""]
            if data["since"]:
                lines.append(_("Sinds wanneer: %(since)s") % {"since": data["since"]})
            other = data["housing_corporation_other"]
            if other and (data.get("tenure") or Tenure.UNKNOWN) in (Tenure.TENANT_CORPORATION, Tenure.UNKNOWN):
                lines.append(_("Woningcorporatie (door de melder genoemd): %(name)s") % {"name": other})
            lines.append(
                _(
                    "Vragen vooraf: zelf met de buren gepraat: %(talked)s; geweld of bedreiging: %(violence)s; "
                    "juridische procedure: %(legal)s."
                )
                % {
                    "talked": _label(Talked, check.get("talked")),
                    "violence": _label(Violence, check.get("violence")),
                    "legal": _label(LegalProcedure, check.get("legal")),
                }
            )
        return "\n".join(lines).strip()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return "-"


# --- Rate limit ---------------------------------------------------------------------------


def _window() -> tuple[int, int]:
    """The current clock-hour window and the seconds left in it."""
    now = int(time.time())
    return now // RATE_WINDOW, RATE_WINDOW - now % RATE_WINDOW


def _rate_key(request, kind: str) -> str:
    # The address itself is not kept, only a keyed hash of it.
    address = client_address(request) or "unknown"
    digest = salted_hmac("cases.selfreport.rate", address, algorithm="sha256").hexdigest()[:32]
    return f"selfreport:{kind}:{digest}:{_window()[0]}"


def _count(request, kind: str) -> int:
    key = _rate_key(request, kind)
    count = (cache.get(key) or 0) + 1
    cache.set(key, count, RATE_WINDOW)
    return count


def _over_limit(request) -> bool:
    """Count this post; True when the address posted or reported too often this hour."""
    posts = _count(request, "posts")
    reports = cache.get(_rate_key(request, "reports")) or 0
    return posts > settings.SELFREPORT_POSTS_PER_HOUR or reports >= settings.SELFREPORT_REPORTS_PER_HOUR


def _too_many(request):
    response = render(request, "selfreport/too_many.html", status=429)
    response["Retry-After"] = str(_window()[1])
    return response


def public_step(methods=("GET", "POST")):
    """A page of the public flow: no login, never cached, every post counted for the rate limit."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and _over_limit(request):
                return _too_many(request)
            return view(request, *args, **kwargs)

        return login_not_required(never_cache(require_http_methods(list(methods))(wrapped)))

    return decorator


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


def _used_key(submission_id) -> str:
    return f"selfreport:used:{submission_id}"


def _finish(request, *, service, reference: str, by_phone: bool, email_sent: bool, submission_id: str) -> None:
    """The report went out (or seemed to): count it, make the form single-use, show step 4."""
    _count(request, "reports")
    cache.set(_used_key(submission_id), True, STATE_MAX_AGE)
    request.session.pop(SESSION_KEY, None)
    request.session[DONE_SESSION_KEY] = {
        "reference": reference,
        "service_id": service.pk,
        "by_phone": by_phone,
        "email_sent": email_sent,
    }


# --- E-mail -------------------------------------------------------------------------------


def send_confirmation_email(*, to: str, reference: str, service_id: int, by_phone: bool, language: str) -> None:
    """The resident's confirmation: reference, service and next steps; never the report's content."""
    service = MediationService.objects.filter(pk=service_id).first()
    if service is None:
        return
    with translation.override(language):
        context = {"reference": reference, "service": service, "by_phone": by_phone}
        subject = _("Uw melding bij %(service)s: %(reference)s") % {"service": service.name, "reference": reference}
        body = render_to_string("selfreport/email_confirmation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


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
        if cache.get(_used_key(submission_id)):
            # Sent already (a double click, or the back button): nothing new is stored.
            return redirect("selfreport:done")
        if request.POST.get("website", ""):
            # The honeypot: people never see this field, scripts fill it in. Look successful.
            _finish(
                request, service=service, reference="", by_phone=False, email_sent=False, submission_id=submission_id
            )
            return redirect("selfreport:done")
        form = ReportForm(request.POST, service=service)
        if form.is_valid():
            data = form.cleaned_data
            send = bool(data["send_confirmation"] and data["email"])
            try:
                with transaction.atomic():
                    case = case_create(
                        service=service,
                        actor=None,
                        channel=Channel.SELF_REPORT,
                        parties=form.party_data(postcode=postcode_value),
                        conflict_types=form.conflict_types_chosen(),
                        description=form.case_description(check=state["check"]),
                        tried_already=data["tried_already"],
                    )
                    if send:
                        transaction.on_commit(
                            partial(
                                send_confirmation_email,
                                to=data["email"],
                                reference=case.reference,
                                service_id=service.pk,
                                by_phone=bool(data["phone"]),
                                language=translation.get_language(),
                            ),
                            robust=True,
                        )
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
                    submission_id=submission_id,
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
