"""Editing a stored record from a form without overwriting someone else's change unseen.

A form carries the `version` of what it showed (a digest of the editable values); a save
whose version no longer matches the stored values is refused (`refuse_stale`), naming the
fields that now differ from the input. `apply` sets what changed and returns it as
{field: (old, new)}; `describe` turns that into one line for a timeline: personal data (the
registry decides, buurtbemiddeling/personal_data.py) by field name only, other fields with
their old and new values.
"""

import datetime as dt
import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import personal_data
from .forms import add_service_errors


def _current(instance: models.Model, name: str):
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return frozenset(getattr(instance, name).values_list("pk", flat=True))
    return getattr(instance, field.attname)


def _wanted(instance: models.Model, name: str, value):
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return frozenset(item.pk for item in value)
    if field.is_relation:
        return value.pk if value is not None else None
    return value


def version(instance: models.Model, fields) -> str:
    """A digest of the instance's values of `fields`."""
    values = []
    for name in fields:
        value = _current(instance, name)
        values.append(repr(sorted(value) if isinstance(value, frozenset) else value))
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:32]


def refuse_stale(instance: models.Model, shown: str, changes: dict, fields, message: str) -> None:
    """Raise ValidationError (code "stale") when the stored values are no longer those the form showed."""
    if shown == version(instance, fields):
        return
    differ = [
        str(instance._meta.get_field(name).verbose_name)
        for name, value in changes.items()
        if _current(instance, name) != _wanted(instance, name, value)
    ]
    raise ValidationError(
        message + " " + _("Verschilt nu van uw invoer: %(fields)s.") % {"fields": ", ".join(differ) or "-"},
        code="stale",
    )


def apply(instance: models.Model, changes: dict, fields) -> dict:
    """Set the changed values on `instance`; returns {field: (old, new)} (many-to-many not yet saved)."""
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = {}
    for name, value in changes.items():
        old, new = _current(instance, name), _wanted(instance, name, value)
        if old == new:
            continue
        changed[name] = (old, new)
        field = instance._meta.get_field(name)
        if not field.many_to_many:
            setattr(instance, field.attname, new)
    return changed


def _shown(instance: models.Model, name: str, value) -> str:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(item) for item in field.related_model.objects.filter(pk__in=value)) or "-"
    if field.is_relation:
        return str(field.related_model.objects.get(pk=value)) if value is not None else "-"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)) or "-"
    return str(value) if value not in ("", None) else "-"


def describe(instance: models.Model, changed: dict) -> str:
    """'omschrijving, wijk: Noord → Zuid': personal fields by name only."""
    registration = personal_data.registration_for(type(instance))
    secret = set(registration.masked) if registration else set()
    parts = []
    for name, (old, new) in changed.items():
        label = str(instance._meta.get_field(name).verbose_name)
        parts.append(
            label if name in secret else f"{label}: {_shown(instance, name, old)} → {_shown(instance, name, new)}"
        )
    return ", ".join(parts)


def edit_page(request, form, *, update, current_version, done: str, success_url, template: str, context: dict):
    """The view of an edit form with a `version` field. Valid: stored through
    `update(actor=, version=, changes=form.changes())`, then `done` and off to `success_url`.
    Stale: refused with the typed values kept, and the form's version moved to the stored one
    (`current_version()`), so sent again after that, the person's own values win: they have
    now seen the difference."""
    if request.method == "POST" and form.is_valid():
        try:
            update(actor=request.user, version=form.cleaned_data["version"], changes=form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
            if any(e.code == "stale" for e in getattr(error, "error_list", [])):
                form.data = form.data.copy()
                form.data["version"] = current_version()
        else:
            messages.success(request, done)
            return redirect(success_url)
    return render(request, template, {"form": form, **context})
