"""Letters from a service's templates: the merge fields and the one renderer of them.

A template's subject and body are text written by the service's admin. The only thing
in them that is not printed as written is a merge field from the fixed list `FIELDS`,
written as ``{partij.naam}``: it is replaced by its value, once, in one pass, so a value
that itself looks like a field (a party called "{zaak.nummer}") is printed as it is. No
template engine ever reads the admin's text; the page escapes the result like any other
text, the PDF draws it as text.

The body is read as paragraphs (separated by an empty line). A paragraph whose every line
starts with "- " is a list; a paragraph that is only ``{afspraken}`` becomes the list of the
case's agreements. The result, `Letter`, is what both the print page and the PDF show.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

AGREEMENTS = "afspraken"

# name -> what it is (shown to the admin beside the template's text).
FIELDS = {
    "partij.naam": _("naam van de partij (de geadresseerde)"),
    "partij.adres": _("straat en huisnummer van de partij"),
    "partij.postcode_plaats": _("postcode en plaats van de partij"),
    "zaak.nummer": _("zaaknummer"),
    "coordinator.naam": _("naam van de coördinator van de zaak"),
    "organisatie.naam": _("naam van de bemiddelingsorganisatie"),
    "organisatie.telefoon": _("telefoonnummer van de organisatie"),
    "organisatie.email": _("e-mailadres van de organisatie"),
    "datum.vandaag": _("datum van vandaag, bijvoorbeeld 24 november 2026"),
    "afspraak.soort": _("soort gesprek van de eerstvolgende geplande afspraak van de partij"),
    "afspraak.datum": _("datum van die afspraak, met de dag"),
    "afspraak.tijd": _("begin- en eindtijd van die afspraak"),
    "afspraak.plaats": _("plaats of locatie van die afspraak"),
    AGREEMENTS: _("de afspraken van de zaak, als lijst (als eigen alinea)"),
}
APPOINTMENT_FIELDS = tuple(name for name in FIELDS if name.startswith("afspraak."))

FIELD = re.compile(r"\{([^{}\n]{1,80})\}")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def fields_used(text: str) -> set[str]:
    return set(FIELD.findall(text or ""))


def unknown_fields(text: str) -> list[str]:
    """The names between braces that are no merge field, in the order written."""
    found = []
    for name in FIELD.findall(text or ""):
        if name not in FIELDS and name not in found:
            found.append(name)
    return found


def fields_help() -> str:
    """The merge fields, one per line, for the admin's help text."""
    return "; ".join(f"{{{name}}}: {label}" for name, label in FIELDS.items())


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" or "list"
    lines: list[str]


@dataclass(frozen=True)
class Letter:
    """A letter as printed: who it is from, to whom, the date, the subject and the body."""

    service_name: str
    service_phone: str
    service_email: str
    recipient: list[str]  # the address block, line by line
    date: str
    subject: str
    blocks: list[Block] = field(default_factory=list)
    # Merge fields the letter uses that had no value (no planned appointment, no agreements).
    missing: list[str] = field(default_factory=list)


def _substitute(text: str, values: dict[str, str]) -> str:
    return FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def render_blocks(body: str, values: dict[str, str], items: list[str]) -> list[Block]:
    """The body as paragraphs and lists, its merge fields filled in (see the module docstring)."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    inline = dict(values, **{AGREEMENTS: "; ".join(items)})
    blocks = []
    for paragraph in PARAGRAPH_BREAK.split(text):
        lines = [line.rstrip() for line in paragraph.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].strip() == "{" + AGREEMENTS + "}":
            blocks.append(Block("list", list(items)) if items else Block("paragraph", [str(NO_AGREEMENTS)]))
        elif all(line.lstrip().startswith("- ") for line in lines):
            blocks.append(Block("list", [_substitute(line.lstrip()[2:], inline) for line in lines]))
        else:
            blocks.append(Block("paragraph", [_substitute(line, inline) for line in lines]))
    return blocks


NO_AGREEMENTS = _("(Er zijn nog geen afspraken vastgelegd.)")
NO_APPOINTMENT = _("(nog niet gepland)")


def merge_values(*, case, party, service, coordinator_name: str, appointment, today: dt.date) -> dict[str, str]:
    """The value of every merge field but the agreements, in Dutch (the letter's language)."""
    with translation.override("nl"):
        values = {
            "partij.naam": party.name or str(_("bewoner")),
            "partij.adres": " ".join(part for part in [party.street, party.house_number] if part),
            "partij.postcode_plaats": " ".join(part for part in [party.postcode, party.city] if part),
            "zaak.nummer": case.reference,
            "coordinator.naam": coordinator_name,
            "organisatie.naam": service.name,
            "organisatie.telefoon": service.phone,
            "organisatie.email": service.email,
            "datum.vandaag": formats.date_format(today, "j F Y"),
        }
        if appointment is None:
            values.update(dict.fromkeys(APPOINTMENT_FIELDS, str(NO_APPOINTMENT)))
        else:
            starts, ends = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
            place = str(appointment.get_place_display())
            values.update(
                {
                    "afspraak.soort": str(appointment.get_kind_display()),
                    "afspraak.datum": formats.date_format(starts, "l j F Y"),
                    "afspraak.tijd": f"{starts:%H:%M} - {ends:%H:%M}",
                    "afspraak.plaats": f"{place}: {appointment.location}" if appointment.location else place,
                }
            )
    return values


def compose(*, template, values: dict[str, str], items: list[str], has_appointment: bool) -> Letter:
    """The letter of one template for one party (values from `merge_values`)."""
    used = fields_used(template.body) | fields_used(template.subject)
    missing = []
    if not has_appointment and used & set(APPOINTMENT_FIELDS):
        missing.append("afspraak")
    if not items and AGREEMENTS in used:
        missing.append(AGREEMENTS)
    recipient = [
        line for line in (values["partij.naam"], values["partij.adres"], values["partij.postcode_plaats"]) if line
    ]
    return Letter(
        service_name=values["organisatie.naam"],
        service_phone=values["organisatie.telefoon"],
        service_email=values["organisatie.email"],
        recipient=recipient,
        date=values["datum.vandaag"],
        subject=_substitute(template.subject, dict(values, **{AGREEMENTS: "; ".join(items)})),
        blocks=render_blocks(template.body, values, items),
        missing=missing,
    )
