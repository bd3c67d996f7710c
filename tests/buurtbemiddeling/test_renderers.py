"""The fast form renderer gives exactly Django's markup (buurtbemiddeling/renderers.py)."""

import datetime as dt

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from buurtbemiddeling.forms import DateInput
from buurtbemiddeling.renderers import FastTemplates

DJANGO = DjangoTemplates()
FAST = FastTemplates()

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
attr_names = st.sampled_from(["id", "class", "placeholder", "aria-describedby", "data-x", "autocomplete", "inputmode"])
attr_values = st.one_of(text, st.booleans(), st.integers(-5, 5), text.map(mark_safe))
attrs = st.dictionaries(attr_names, attr_values, max_size=4)
values = st.one_of(st.none(), text, st.integers(-1000, 1000), text.map(mark_safe), st.dates())
labels = st.one_of(text, st.integers(0, 99), text.map(mark_safe), st.just(gettext_lazy("Alle")))
choices = st.lists(st.tuples(st.one_of(text, st.integers(0, 9)), labels), max_size=5)
grouped = st.lists(
    st.one_of(st.tuples(st.one_of(text, st.integers(0, 9)), labels), st.tuples(text, choices)), max_size=4
)
INPUTS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.CheckboxInput,
    forms.Textarea,
]


def both(widget, name, value, widget_attrs):
    return (
        widget.render(name, value, attrs=widget_attrs, renderer=DJANGO),
        widget.render(name, value, attrs=widget_attrs, renderer=FAST),
    )


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(INPUTS), name=text, value=values, widget_attrs=attrs, own=attrs)
def test_inputs_and_textareas_render_as_django_renders_them(kind, name, value, widget_attrs, own):
    django_html, fast_html = both(kind(attrs=own), name, value, widget_attrs)
    assert fast_html == django_html


@settings(max_examples=300, deadline=None)
@given(
    multiple=st.booleans(),
    name=text,
    options=grouped,
    value=st.one_of(st.none(), text, st.lists(text, max_size=3), st.integers(0, 9)),
    widget_attrs=attrs,
)
def test_selects_render_as_django_renders_them(multiple, name, options, value, widget_attrs):
    widget = (forms.SelectMultiple if multiple else forms.Select)(choices=options)
    django_html, fast_html = both(widget, name, value, widget_attrs)
    assert fast_html == django_html


def test_a_widget_with_a_template_of_its_own_is_left_to_django():
    class Stars(forms.RadioSelect):
        pass

    radio = Stars(choices=[("1", "een"), ("2", "twee")])
    assert radio.render("s", "1", renderer=FAST) == radio.render("s", "1", renderer=DJANGO)
    assert '<input type="radio" name="s" value="1"' in radio.render("s", "1", renderer=FAST)


def test_the_project_uses_it_and_a_form_page_shows_the_same_fields(client):
    assert isinstance(get_default_renderer(), FastTemplates)

    class Form(forms.Form):
        day = forms.DateField(widget=DateInput(), initial=dt.date(2026, 3, 15))
        note = forms.CharField(widget=forms.Textarea, initial="<b>")
        kind = forms.ChoiceField(choices=[("a", "A & B")])

    html = str(Form())
    assert 'type="date" name="day" value="2026-03-15"' in html
    assert '<textarea name="note" cols="40" rows="10" required id="id_note">\n&lt;b&gt;</textarea>' in html
    assert '<option value="a">A &amp; B</option>' in html
