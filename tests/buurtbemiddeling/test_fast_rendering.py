"""The hand-made fast paths for hot pages render exactly what Django would."""

import re

import pytest
from django import forms
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from buurtbemiddeling.forms import DateInput, FastSelect
from cases.constants import CaseStatus, Channel
from cases.forms import CaseFilterForm


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        ([("", "Alle"), ("a", "A & <b>"), ("b", "B")], "a", {"class": "form-select", "id": "id_f"}),
        ([("", "Alle"), ("Groep", [("x", "X"), ("y", "Y")])], "y", {"id": "id_f", "aria-invalid": "true"}),
        ([(1, "één"), (2, "twee")], None, {"required": True, "disabled": False}),
        ([("\"'", "quotes")], "\"'", {}),
        ([("a", "first"), ("a", "again"), (None, "none")], "a", {}),  # only the first match is selected
        ([("", "---"), (3, "drie")], 3, {"class": "form-select"}),
        ([("", "Alle"), (3, "drie")], "", {"class": "form-select"}),
    ],
)
def test_fast_select_renders_the_same_html_as_djangos_select(choices, value, attrs):
    expected = forms.Select(choices=choices).render("field", value, attrs=attrs)
    rendered = FastSelect(choices=choices).render("field", value, attrs=attrs)

    assert parse_html(rendered) == parse_html(expected)


@pytest.mark.django_db
def test_choice_labels_follow_the_active_language(case):
    case.status = CaseStatus.CLOSED
    with translation.override("nl"):
        assert case.get_status_display() == "Afgesloten"
    with translation.override("en"):
        assert case.get_status_display() == "Closed"
    assert case.get_channel_display() == dict(Channel.choices)[case.channel]


@pytest.mark.django_db
def test_an_unknown_stored_value_is_shown_as_it_is(case):
    case.status = "not-a-status"

    assert case.get_status_display() == "not-a-status"


def test_the_lean_field_marks_errors_at_the_field_and_keeps_the_input(db, service, coordinator, login):
    response = login(coordinator).get(reverse("cases:list"), {"reported_from": "31-02-2026", "status": "closed"})

    html = response.text
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert "is-invalid" in html
    assert 'id="error_1_id_reported_from"' in html
    # An <input type="date"> holds a real date or nothing: what the address carried is not echoed.
    assert 'value="31-02-2026"' not in html
    assert '<input type="date" name="reported_from" class="form-control is-invalid"' in html
    assert '<option value="closed" selected>' in html


def test_every_filter_on_the_case_list_has_its_label_and_bootstrap_widget(db, service, coordinator, login):
    html = login(coordinator).get(reverse("cases:list")).text

    for name, field in CaseFilterForm.base_fields.items():
        assert f'<label for="id_{name}" class="form-label">{field.label}</label>' in html
    # Every choice filter (the work-queue section and the sort order among them) is a Bootstrap select.
    selects = [name for name, field in CaseFilterForm.base_fields.items() if isinstance(field, forms.ChoiceField)]
    assert len(selects) == 9
    for name in selects:
        assert f'<select name="{name}" class="form-select" id="id_{name}">' in html
    assert html.count('class="form-control"') == 3  # the search term and two dates


class _Everything(forms.Form):
    """Every kind of field the case page's forms hold, with labels and help that need escaping."""

    name = forms.CharField(label="Naam & <toenaam>", help_text="Zoals op de <deurbel>.", max_length=20)
    note = forms.CharField(label="Notitie", widget=forms.Textarea, required=False)
    when = forms.DateField(label="Datum", widget=DateInput())
    count = forms.IntegerField(label="Minuten", min_value=1, required=False)
    kind = forms.ChoiceField(label="Soort", choices=[("", "---"), ("a", "A & B")])
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    sure = forms.BooleanField(label="Zeker?", required=False)
    many = forms.MultipleChoiceField(
        label="Wie", choices=[("1", "Een"), ("2", "Twee")], widget=forms.CheckboxSelectMultiple
    )


# What lean_field must give (the former includes/field.html), with the widget's Bootstrap class.
REFERENCE_FIELD = (
    '<div class="mb-3">'
    '<label for="{{ field.id_for_label }}" class="form-label">{{ field.label }}'
    '{% if field.field.required %}<span class="asteriskField">*</span>{% endif %}</label>'
    "{{ widget }}"
    '{% if field.errors %}<div id="{{ field.auto_id }}_error" class="invalid-feedback d-block">'
    '{% for error in field.errors %}<p id="error_{{ forloop.counter }}_{{ field.auto_id }}">'
    "<strong>{{ error }}</strong></p>{% endfor %}</div>{% endif %}"
    '{% if field.help_text %}<div id="{{ field.auto_id }}_helptext" class="form-text">{{ field.help_text }}</div>'
    "{% endif %}</div>"
)


def reference_field(field) -> str:
    from django.template import Context, Template

    css = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    widget = field.as_widget(attrs={"class": css + (" is-invalid" if field.errors else "")})
    return Template(REFERENCE_FIELD).render(Context({"field": field, "widget": widget}))


@pytest.mark.parametrize(
    "data",
    [None, {}, {"name": "x" * 30, "when": "31-02-2026", "count": "-1", "kind": "zz", "many": ["9"]}],
    ids=["unbound", "empty", "wrong"],
)
def test_the_lean_field_and_form_render_what_the_field_template_and_crispy_render(data):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form

    from buurtbemiddeling.templatetags.fields import lean_field, lean_form

    form = _Everything(data)
    if data is not None:
        form.is_valid()
        form.add_error(None, "Iemand anders heeft <dit> gewijzigd.")
    for field in form:
        if field.is_hidden:
            expected = str(field)
        elif isinstance(field.field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            expected = as_crispy_field(field)
        else:
            expected = reference_field(field)
        assert parse_html(lean_field(field)) == parse_html(expected), field.name
        # Every id the widget's aria-describedby names is on the page (help text, the error box).
        rendered = str(lean_field(field))
        described = re.search(r'aria-describedby="([^"]+)"', rendered)
        for target in described.group(1).split() if described else []:
            assert f'id="{target}"' in rendered, (field.name, target)
    # The whole form: crispy's own error box, then every field (crispy's wrappers differ, not the widgets).
    whole = lean_form(form)
    crispy = as_crispy_form(form)
    for field in form:
        assert f'name="{field.html_name}"' in whole and f'name="{field.html_name}"' in crispy
    if data is not None:
        error = "<li>Iemand anders heeft &lt;dit&gt; gewijzigd.</li>"
        assert f'<div class="alert alert-block alert-danger"><ul class="m-0">{error}</ul></div>' in whole
    assert "<deurbel>" not in whole and "&lt;deurbel&gt;" in whole
