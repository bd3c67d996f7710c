"""Files people download (CSV): one writer, so every export escapes cells the same way."""

import csv
import datetime as dt

from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str | int:
    """A CSV cell: numbers as Dutch spreadsheets read them; text that could start a formula escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(name: str, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    # A byte-order mark and semicolons: what Dutch Excel expects of a CSV file.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def readable_value(row: models.Model, name: str, *, as_text: bool = False):
    """A field's value as a person reads it: choices by label, links by name, dates ISO.

    `as_text`: one cell of a file (many-to-many joined, booleans ja/nee, moments as their local day).
    """
    field = row._meta.get_field(name)
    if field.many_to_many:
        items = [str(item) for item in getattr(row, name).all()]
        return ", ".join(items) if as_text else items
    if field.choices:
        return str(getattr(row, f"get_{name}_display")())
    value = getattr(row, name)
    if as_text and isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if as_text and isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if isinstance(value, models.Model):
        return str(value)
    return value
