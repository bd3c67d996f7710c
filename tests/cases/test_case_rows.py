"""The case table rows built in Python (cases/templatetags/case_rows.py) are the template's rows."""
# ruff: noqa: E501 - the reference template keeps its original long lines

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from buurtbemiddeling.factories import NeighbourhoodFactory
from cases.constants import Channel, Side
from cases.factories import party_data
from cases.selectors import case_list_for_user

# The rows as cases/_case_table.html wrote them before they moved to Python.
REFERENCE = Template(
    """{% load i18n %}{% for case in cases %}
    <tr>
      <td><a href="{{ case.get_absolute_url }}">{{ case.reference }}</a>{% if case.is_urgent %} <span class="badge text-bg-danger">{% translate "urgent" %}</span>{% endif %}</td>
      <td>{{ case.reported_on|date:"j F Y" }}</td>
      <td>{{ case.get_status_display }}</td>
      <td>{% for party in case.side_a %}{{ party.name|default:party.street }}{% if not forloop.last %}; {% endif %}{% endfor %}</td>
      <td>{{ case.neighbourhood_name|default:"" }}</td>
      <td>{{ case.get_channel_display }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="6">{% translate "Geen zaken." %}</td></tr>
  {% endfor %}"""
)
ROWS = Template("{% load case_rows %}{% case_rows cases %}")


def both(cases):
    context = Context({"cases": cases})
    return parse_html(ROWS.render(context)), parse_html(REFERENCE.render(context))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_the_templates_rows(language, service, coordinator, make_case):
    make_case(is_urgent=True, neighbourhood=NeighbourhoodFactory(service=service, name="Oud & <Nieuw>"))
    make_case(
        channel=Channel.PHONE,
        parties=[
            party_data(side=Side.A, name="Ayla <b>Yilmaz</b>"),
            party_data(side=Side.A, name="", street="Dorpsstraat"),
            party_data(side=Side.B),
        ],
    )
    cases = list(case_list_for_user(coordinator).order_by("id"))

    with translation.override(language):
        rows, reference = both(cases)

    assert rows == reference
    assert "Ayla <b>" not in ROWS.render(Context({"cases": cases}))  # escaped, not markup


def test_no_cases_gives_the_same_empty_row(db):
    rows, reference = both([])

    assert rows == reference
