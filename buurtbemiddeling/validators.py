import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")
# Dutch numbers: 06-12345678, 010 1234567, +31 6 12345678, 0031 ...; spaces and dashes allowed.
PHONE_RE = re.compile(r"^(\+31|0031|0)[1-9][0-9]{8}$")
# A number abroad in international form (a neighbour across the border, a mobile from elsewhere).
INTERNATIONAL_PHONE_RE = re.compile(r"^(\+|00)[1-9][0-9]{7,14}$")
# Numbers an organisation answers on: 14 + area code (municipalities), 0800/0900/0909 service numbers.
SERVICE_PHONE_RE = re.compile(r"^(14[0-9]{2,4}|0(800|900|906|909)[0-9]{4,7})$")
# 12, 12a, 12 A, 12-3, 12-II, 12 bis, 12A-3, 12 hs: a number 1-99999, then at most two additions.
HOUSE_NUMBER_RE = re.compile(r"^[1-9][0-9]{0,4}(?:[ /-]?[A-Za-z0-9]{1,4}){0,2}$")


def validate_reference_prefix(value):
    if not re.fullmatch(r"[A-Z]{2,6}", value or ""):
        raise ValidationError(_("Gebruik 2 tot 6 hoofdletters, bijvoorbeeld BB."))


def normalise_postcode(value: str) -> str:
    """'1234ab' -> '1234 AB'. Raises ValidationError when it is no Dutch postcode."""
    match = POSTCODE_RE.match(value or "")
    if not match:
        raise ValidationError(_("Vul een geldige postcode in, bijvoorbeeld 1234 AB."), code="invalid_postcode")
    letters = match.group(2).upper()
    # SA, SD and SS are never issued as Dutch postcode letters.
    if letters in {"SA", "SD", "SS"}:
        raise ValidationError(_("Vul een geldige postcode in, bijvoorbeeld 1234 AB."), code="invalid_postcode")
    return f"{match.group(1)} {letters}"


def validate_postcode(value: str) -> None:
    normalise_postcode(value)


PHONE_MESSAGE = _("Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678, 010 1234567 of +32 471 234567.")


def normalise_phone(value: str) -> str:
    """Strip spaces, dashes, dots and brackets; check it is a Dutch (or an international) phone number."""
    compact = re.sub(r"[\s\-().]", "", value or "")
    if not (PHONE_RE.match(compact) or INTERNATIONAL_PHONE_RE.match(compact)):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    return compact


def validate_phone(value: str) -> None:
    """A resident's or a person's phone number (the model validator; forms normalise first)."""
    normalise_phone(value)


def normalise_organisation_phone(value: str) -> str:
    """An organisation's number: any phone number, or a 14-number or service number (14 053, 0800 1234)."""
    compact = re.sub(r"[\s\-().]", "", value or "")
    if SERVICE_PHONE_RE.match(compact):
        return compact
    try:
        return normalise_phone(compact)
    except ValidationError:
        raise ValidationError(
            _("Vul een geldig telefoonnummer in, bijvoorbeeld 088 1234567, 14 053 of 0800 1234."),
            code="invalid_phone",
        ) from None


def validate_organisation_phone(value: str) -> None:
    normalise_organisation_phone(value)


def normalise_house_number(value: str) -> str:
    """'12 a' stays '12 a', ' 12a ' becomes '12a'. Raises ValidationError when it is no house number."""
    compact = re.sub(r"\s+", " ", (value or "").strip())
    if not HOUSE_NUMBER_RE.match(compact):
        raise ValidationError(
            _("Vul een huisnummer in, eventueel met toevoeging, bijvoorbeeld 12, 12a of 12-3."),
            code="invalid_house_number",
        )
    return compact


def validate_house_number(value: str) -> None:
    normalise_house_number(value)


def validate_no_control_characters(value: str) -> None:
    """Refuse NUL and other control characters (tabs and newlines are fine)."""
    if value and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError(_("Deze tekst bevat ongeldige tekens."), code="control_characters")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's own check, with a Dutch message that exists (Django 6.1's nl catalogue lacks it)."""

    def get_error_message(self):
        return ngettext(
            "Dit wachtwoord is te kort: gebruik minstens %(min_length)d teken. Een zin van een paar woorden mag ook.",
            "Dit wachtwoord is te kort: gebruik minstens %(min_length)d tekens. Een zin van een paar woorden mag ook.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Gebruik minstens %(min_length)d teken; een zin van een paar woorden is sterk en goed te onthouden.",
            "Gebruik minstens %(min_length)d tekens; een zin van een paar woorden is sterk en goed te onthouden.",
            self.min_length,
        ) % {"min_length": self.min_length}


def phone_variants(term: str) -> set[str] | None:
    """The stored forms a typed phone number may have (06.., +316..), or None if it is no number."""
    digits = re.sub(r"[\s\-().]", "", term)
    if len(digits) < 8 or not re.fullmatch(r"\+?\d+", digits):
        return None
    try:
        phone = normalise_phone(term)
    except ValidationError:
        phone = digits
    variants = {phone, digits}
    if phone.startswith("+31"):
        variants.add("0" + phone[3:])
    elif phone.startswith("0") and not phone.startswith("00"):
        variants.add("+31" + phone[1:])
    return variants


def format_postcode_prefix(compact: str) -> str:
    """ "1234AB" -> "1234 AB", as stored: a search for "1234ab" or "1234 a" must find it."""
    if len(compact) > 4 and compact[:4].isdigit():
        return f"{compact[:4]} {compact[4:]}"
    return compact
