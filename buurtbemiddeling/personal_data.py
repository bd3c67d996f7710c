"""The personal-data registry: which fields hold personal data, and what happens to them.

Each app declares, at the bottom of its models.py, for every model of its own:

- `personal`: fields holding data about residents, each with how it is anonymised
  (`TEXT`: a statement, replaced by a tombstone; `BLANK`: emptied; `NULL`: a link set to
  None);
- `professional`: names and contacts of staff and partner professionals: masked in the
  change log, not part of a resident's export or erasure;
- `sensitive`: facts about a resident that a record needs to stay valid (a reason code
  such as "consent withdrawn"): masked in the change log, kept otherwise;
- `non_personal`: every other text, char or e-mail field, named so a new field cannot slip
  by (a test walks every model);
- `case`: the lookup from a row to its case ("" when the row is the case), when the row
  is anonymised with its case after the retention period;
- `resident`: the lookup from a row to the resident (a case party) it is about ("" when
  the row is the party), when the row belongs to that resident's export and erasure;
- `export`: further fields that tell the resident what the row is (dates, kinds).

Audit masking (buurtbemiddeling/audit.py), anonymisation after the retention period,
erasure and the subject-access export (cases/privacy.py) read this registry and nothing
else. The registry knows no app: apps register themselves.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

TOMBSTONE = "[geanonimiseerd]"


class Redact(enum.Enum):
    TEXT = "text"  # a tombstone where there was text, else empty
    BLANK = "blank"  # emptied
    NULL = "null"  # a link to something that identifies the resident: removed


TEXT, BLANK, NULL = Redact.TEXT, Redact.BLANK, Redact.NULL


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    personal: dict[str, Redact]
    professional: frozenset[str]
    sensitive: frozenset[str]
    non_personal: frozenset[str]
    case: str | None
    resident: str | None
    export: tuple[str, ...]
    audited: bool
    append_only: bool

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def masked(self) -> list[str]:
        """Fields whose values never reach the change log."""
        return sorted({*self.personal, *self.professional, *self.sensitive})

    def anonymised_value(self, field: str, value):
        redact = self.personal[field]
        if redact is NULL:
            return None
        if redact is TEXT and value:
            return TOMBSTONE
        return ""

    def anonymise(self, row: models.Model) -> list[str]:
        """Set the personal fields of one row to their anonymised values; the names of those changed."""
        changed = []
        for field in self.personal:
            attname = self.model._meta.get_field(field).attname
            old = getattr(row, attname)
            new = self.anonymised_value(field, old)
            if old != new:
                setattr(row, attname, new)
                changed.append(attname)
        return changed

    def anonymise_rows(self, queryset: models.QuerySet) -> None:
        """Anonymise every row of `queryset`.

        Saved one by one when audited, so the change log records each (masked); otherwise
        (and for append-only rows) one UPDATE per field.
        """
        if self.audited and not self.append_only:
            for row in queryset:
                changed = self.anonymise(row)
                if changed:
                    extra = ["updated_at"] if hasattr(row, "updated_at") else []
                    row.save(update_fields=[*changed, *extra])
            return
        targets = self.model._base_manager.filter(pk__in=queryset.values("pk"))
        for field, redact in self.personal.items():
            if redact is NULL:
                targets.exclude(**{f"{field}__isnull": True}).update(**{field: None})
            elif redact is TEXT:
                targets.exclude(**{field: ""}).exclude(**{field: TOMBSTONE}).update(**{field: TOMBSTONE})
            else:
                targets.exclude(**{field: ""}).update(**{field: ""})


_REGISTRY: dict[str, Registration] = {}


def register(
    model: type[models.Model],
    *,
    personal: dict[str, Redact] | None = None,
    professional: Iterable[str] = (),
    sensitive: Iterable[str] = (),
    non_personal: Iterable[str] = (),
    case: str | None = None,
    resident: str | None = None,
    export: Iterable[str] = (),
    audited: bool = False,
    append_only: bool = False,
) -> Registration:
    """Declare a model's personal data (see the module docstring). Once per model."""
    label = model._meta.label
    if label in _REGISTRY:
        raise ValueError(f"{label} is already registered")
    personal = dict(personal or {})
    professional, sensitive, non_personal = frozenset(professional), frozenset(sensitive), frozenset(non_personal)
    registration = Registration(
        model=model,
        personal=personal,
        professional=professional,
        sensitive=sensitive,
        non_personal=non_personal,
        case=case,
        resident=resident,
        export=tuple(export),
        audited=audited,
        append_only=append_only,
    )
    _REGISTRY[label] = registration
    return registration


def problems() -> list[str]:
    """What is wrong with the registrations (run as a system check once the models are loaded)."""
    found = []
    for registration in _REGISTRY.values():
        label, model = registration.label, registration.model
        fields = {f.name for f in model._meta.get_fields() if not f.auto_created or f.concrete}
        named = [
            *registration.personal,
            *registration.professional,
            *registration.sensitive,
            *registration.non_personal,
            *registration.export,
        ]
        unknown = sorted({name for name in named if name not in fields})
        if unknown:
            found.append(f"{label}: no such fields {unknown}")
        groups = [
            set(registration.personal),
            registration.professional,
            registration.sensitive,
            registration.non_personal,
        ]
        twice = {name for i, a in enumerate(groups) for b in groups[i + 1 :] for name in a & b}
        if twice:
            found.append(f"{label}: fields declared twice {sorted(twice)}")
        if registration.personal and registration.case is None and registration.resident is None:
            found.append(f"{label}: resident data needs a case or a resident lookup")
    return found


def unregistered_text_fields(models_to_check: Iterable[type[models.Model]]) -> list[str]:
    """Text, char and e-mail fields that are neither personal, professional nor non-personal."""
    text_fields = (models.CharField, models.TextField, models.GenericIPAddressField)
    missing = []
    for model in models_to_check:
        registration = registration_for(model)
        declared = (
            set(registration.personal) | registration.professional | registration.sensitive | registration.non_personal
            if registration
            else set()
        )
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and isinstance(field, text_fields) and field.name not in declared:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def registration_for(model: type[models.Model]) -> Registration | None:
    return _REGISTRY.get(model._meta.label)


def registrations() -> list[Registration]:
    return list(_REGISTRY.values())


def with_case() -> list[Registration]:
    """Registrations anonymised with their case after the retention period."""
    return [r for r in _REGISTRY.values() if r.case is not None and r.personal]


def about_residents() -> list[Registration]:
    """Registrations that belong to a resident's export and erasure."""
    return [r for r in _REGISTRY.values() if r.resident is not None]


def rows(registration: Registration, lookup: str, value) -> models.QuerySet:
    """The rows of a registration whose `lookup` ("" = the row itself) equals `value`."""
    manager = registration.model._base_manager
    if lookup == "":
        return manager.filter(pk=getattr(value, "pk", value))
    return manager.filter(**{lookup: value}).distinct()
