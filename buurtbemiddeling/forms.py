import datetime as dt
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.forms.utils import flatatt
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .fasthtml import escape
from .validators import validate_no_control_characters


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the length but does not check it: a longer name went on to the failed-login
        # record (django-axes), which PostgreSQL refused (a server error, #22). No account has one.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))
        self.fields["username"].label = _("Gebruikersnaam")
        self.fields["password"].label = _("Wachtwoord")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Inloggen")))


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("De 6 cijfers uit uw authenticator-app, of een van uw reservecodes."),
        # No inputmode="numeric": a backup code has letters, which a phone's number pad lacks.
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )


# Database ids are 64-bit. Django's model choice fields pass any number to the database,
# which then fails with an overflow (a server error) for numbers beyond that range.
MAX_ID = 2**63 - 1


def _beyond_id_range(value) -> bool:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not a number at all: Django's own check refuses it
    return not 0 < number <= MAX_ID


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField, refusing ids no database row can have (no server error)."""

    def to_python(self, value):
        if value not in self.empty_values and _beyond_id_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, refusing ids no database row can have."""

    def _check_values(self, value):
        for item in value if isinstance(value, list | tuple) else [value]:
            if _beyond_id_range(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class FastSelect(forms.Select):
    """Django's Select with the same markup, built in Python instead of a template per option.

    Django renders every <option> through its own template include; the case list's filter
    form has some seventy options, which made its selects cost more than the list itself.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # What Select.get_context and optgroups decide, without an option dict per choice.
        selected_values = set(self.format_value(value))
        parts = [f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        has_selected = False
        for option_value, option_label in self.choices:
            group = option_label if isinstance(option_label, (list, tuple)) else None
            if group is not None:
                parts.append(f'<optgroup label="{escape(option_value)}">')
            for sub_value, sub_label in group if group is not None else [(option_value, option_label)]:
                sub_value = "" if sub_value is None else str(sub_value)
                selected = (not has_selected or self.allow_multiple_selected) and sub_value in selected_values
                has_selected |= selected
                parts.append(
                    f'<option value="{escape(sub_value)}"{" selected" if selected else ""}>{escape(sub_label)}</option>'
                )
            if group is not None:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


# Django 6.1's empty choice of a select ("- Select an option -", BLANK_CHOICE_LABEL) is not in
# Django's Dutch catalogue yet; ours translates it (locale/nl). Named here so that
# `make messages` keeps the entry.
BLANK_CHOICE_LABEL = _("- Select an option -")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def format_value(self, value):
        """An <input type="date"> holds a date (YYYY-MM-DD) or nothing: what was typed or put in
        the address otherwise is not echoed (invalid HTML; the browser would drop it); the
        error at the field says what was wrong."""
        if isinstance(value, str) and not _is_html_date(value):
            return None
        return super().format_value(value)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class TimeSpanForm(forms.Form):
    """A day and two times; cleaned, `starts_at` and `ends_at` are aware datetimes on that day."""

    date = forms.DateField(label=_("Datum"), widget=DateInput())
    starts_at = forms.TimeField(label=_("Van"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("Tot"), widget=TimeInput())

    def clean(self):
        cleaned = super().clean()
        for name in ("starts_at", "ends_at"):
            if cleaned.get("date") and cleaned.get(name):
                cleaned[name] = timezone.make_aware(dt.datetime.combine(cleaned["date"], cleaned[name]))
        return cleaned

    @staticmethod
    def initial_span(starts_at: dt.datetime, ends_at: dt.datetime) -> dict:
        start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        return {"date": start.date(), "starts_at": start.time(), "ends_at": end.time()}


def _is_html_date(value: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


class CleanTextMixin:
    """Refuse NUL and control characters in every text field: they can never be meant."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    validate_no_control_characters(value)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class SingleValueMixin:
    """Refuse a field sent more than once (`resident=not_yet&resident=yes`): which one was meant?

    Django quietly takes the last value; on a consent question or a status that could turn
    a "no" into a "yes". Fields that hold several values (multiple choices) are left alone.
    """

    def clean(self):
        cleaned = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return cleaned
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                continue
            if len(getlist(self.add_prefix(name))) > 1:
                self.add_error(name, ValidationError(_("Dit veld is meer dan eens verstuurd."), code="repeated"))
        return cleaned


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, with the mail sent by the worker (buurtbemiddeling/tasks.py).

    The page answers at once, the same whether or not the address is known; the mail goes
    when the mail server takes it, retried while it is away.
    """

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        from .tasks import send_password_reset

        domain = domain_override or (request.get_host() if request is not None else "")
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                send_password_reset.enqueue(
                    user_id=user.pk, domain=domain, use_https=use_https, language=translation.get_language()
                )


def add_service_errors(form, error) -> None:
    """Put a service's ValidationError on the form: at the field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submit(request, form, act, *, done: str):
    """A form page's POST: on a valid form the service `act(cleaned_data)`, its refusal put at
    the fields, `done` as the page's message; returns what `act` returned, or None."""
    if not form.is_valid():
        return None
    try:
        result = act(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, done)
    return result


class StampField(forms.CharField):
    """A hidden moment (a row's `updated_at` as the page showed it), back as an aware UTC datetime."""

    widget = forms.HiddenInput

    @staticmethod
    def stamp(moment) -> str:
        return moment.astimezone(dt.UTC).isoformat()

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            parsed = dt.datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError(value)
            return parsed.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- A service's logo (the admin's service form) ---------------------------------------

LOGO_MAX_BYTES = 200 * 1024
# The first bytes of each image type a logo may have. Anything else (a renamed document, an
# HTML page) is refused: the logo is served from this site.
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def logo_content_type(content: bytes) -> str | None:
    """The image type of an uploaded logo by its content (not its name), or None."""
    for signature, content_type in LOGO_SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    head = content[:1024].lstrip().lower()
    if (head.startswith((b"<svg", b"<?xml")) and b"<svg" in head) and b"<script" not in content.lower():
        return "image/svg+xml"
    return None


class ServiceLogoFormMixin(forms.ModelForm):
    """Adds a logo upload and a remove box to the admin's form of a mediation service."""

    logo_file = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, WebP of SVG, hoogstens 200 kB. Staat links in de kop van elke pagina."),
    )
    remove_logo = forms.BooleanField(label=_("Logo verwijderen"), required=False)

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError(_("Dit bestand is te groot: een logo mag hoogstens 200 kB zijn."))
        content = upload.read()
        content_type = logo_content_type(content)
        if content_type is None:
            raise ValidationError(_("Dit is geen afbeelding die als logo kan: kies een PNG, JPEG, WebP of SVG."))
        return content, content_type

    def save_logo(self, service) -> None:
        """Store or drop the logo as the form says (after the service itself was saved)."""
        from .models import ServiceLogo

        logo = self.cleaned_data.get("logo_file")
        if logo:
            content, content_type = logo
            ServiceLogo.objects.update_or_create(
                service=service, defaults={"content": content, "content_type": content_type}
            )
        elif self.cleaned_data.get("remove_logo"):
            ServiceLogo.objects.filter(service=service).delete()
        else:
            return
        service.logo_updated_at = timezone.now() if logo else None
        service.save(update_fields=["logo_updated_at"])
