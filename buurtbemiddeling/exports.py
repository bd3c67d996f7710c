"""Files people download (CSV): one writer, so every export escapes cells the same way."""

import csv

from django.http import HttpResponse

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
