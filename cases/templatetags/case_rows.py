"""The rows of the case tables (work queue, case list, a mediator's cases), built in Python.

These tables are on the pages coordinators open most, with up to sixty rows each. Through
the template language every row cost about 0.1 ms of variable lookups and escaping, a fifth
of the case list's time; Django's format_html still spent most of the rest checking every
value for lazy translations and reversing every row's URL. Here a row is one str.format of
escaped values: the URL from one reversed pattern, the date from the month names of the
active language. The markup is pinned to the template version by tests/cases/test_case_rows.py.
"""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from buurtbemiddeling.fasthtml import escape

register = template.Library()

ROW = '<tr><td><a href="{}">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'
# What django.urls.reverse leaves unquoted in a path argument.
URL_SAFE = "!$&'()*+,;=/~:@"


SELECT = (
    '<td><input type="checkbox" class="form-check-input" name="cases" value="{}" form="bulk-handover"'
    ' aria-label="{}"></td>'
)


@register.simple_tag
def case_rows(cases, selectable=False):
    """The rows; `selectable`: a first column of checkboxes for the bulk actions form."""
    url_head, url_tail = reverse("cases:detail", kwargs={"reference": "ref"}).rsplit("ref", 1)
    urgent = ' <span class="badge text-bg-danger">{}</span>'.format(escape(gettext("urgent")))
    repeat = ' <span class="badge text-bg-warning">{}</span>'.format(escape(gettext("herhaling?")))
    months = {}
    rows = []
    for case in cases:
        day = case.reported_on
        if day.month not in months:
            months[day.month] = str(MONTHS[day.month])
        row = ROW.format(
            escape(f"{url_head}{quote(case.reference, safe=URL_SAFE)}{url_tail}"),
            escape(case.reference),
            (urgent if case.is_urgent else "") + (repeat if getattr(case, "is_repeat", False) else ""),
            escape(f"{day.day} {months[day.month]} {day.year}"),
            escape(case.get_status_display()),
            escape("; ".join(party.name or party.street for party in case.side_a)),
            escape(case.neighbourhood_name or ""),
            escape(case.get_channel_display()),
        )
        if selectable:
            label = gettext("Selecteer %(reference)s") % {"reference": case.reference}
            row = "<tr>" + SELECT.format(escape(case.reference), escape(label)) + row[4:]
        rows.append(row)
    if not rows:
        columns = 7 if selectable else 6
        return mark_safe(  # noqa: S308
            '<tr><td colspan="{}">{}</td></tr>'.format(columns, escape(gettext("Geen zaken.")))
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
