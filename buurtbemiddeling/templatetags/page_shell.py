"""What every page below the top level and every form share (#20): the breadcrumb trail and the error summary.

`{% breadcrumbs label url ... current %}` renders includes/breadcrumbs.html;
`{% error_summary form other_form ... %}` renders includes/error_summary.html. Both work
with what the page already has: no database query.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*trail):
    """`{% breadcrumbs _("Zaken") list_url case.reference case_url _("Wijzigen") %}`.

    Label and URL of each page from the top down, then the label of this page (not a link).
    """
    *pairs, current = trail
    crumbs = [Crumb(label, url) for label, url in zip(pairs[::2], pairs[1::2], strict=True)]
    return {"crumbs": crumbs, "current": current}


@dataclass(frozen=True)
class SummaryLine:
    text: str
    target: str = ""  # the id of the element the link moves to; no link without one


def link_target(bound_field) -> str:
    """The id of the element that a link to this field should move focus to.

    A list of radios or checkboxes has no element with the field's own id (Django's
    `id_for_label` is empty for it): its first option is the target, as the label of a
    group points nowhere. Other widgets: the id their label points to.
    """
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect):  # also CheckboxSelectMultiple
        return widget.id_for_label(widget.attrs.get("id") or bound_field.auto_id, "0")
    return bound_field.id_for_label or bound_field.auto_id


def _with_labels(values: Iterable, labels: Mapping, label: str = "") -> Iterator[tuple[object, str]]:
    """Each form among the values (forms, formsets, lists and dicts of them) with its label."""
    for value in values:
        if isinstance(value, forms.BaseForm):
            yield value, labels.get(value.prefix, label)
        elif isinstance(value, forms.BaseFormSet):
            yield value, labels.get(value.prefix, label)
            yield from _with_labels(value.forms, labels, labels.get(value.prefix, label))
        elif isinstance(value, Mapping):
            yield from _with_labels(value.values(), labels, label)
        elif isinstance(value, list | tuple):
            yield from _with_labels(value, labels, label)


def summary_lines(values: Iterable, *, labels: Mapping) -> list[SummaryLine]:
    lines = []

    def text(*parts):
        *names, error = [str(part) for part in parts if part]
        if not names:
            return error
        lead = " – ".join(names)
        return f"{lead} {error}" if lead[-1] in "?:!." else f"{lead}: {error}"

    for form, label in _with_labels(values, labels):
        if isinstance(form, forms.BaseFormSet):
            lines += [SummaryLine(text(label, error)) for error in form.non_form_errors()]
            continue
        if not form.is_bound:
            continue  # an empty form shows no errors (and is not validated here)
        lines += [SummaryLine(text(label, error)) for error in form.non_field_errors()]
        for field in form:
            for error in field.errors:
                target = "" if field.is_hidden else link_target(field)
                lines.append(SummaryLine(text(label, field.label, error), target))
    return lines


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_, **labels):
    """`{% error_summary form party_a party_b a=_("Melder") b=_("Buren") %}`: one box for the page.

    Takes forms, formsets, and lists or dicts of them (the case page's many forms; only a
    sent one has errors). Each error goes with its field's label ("Naam: ..."); a keyword
    names a form by its prefix and puts its label before that ("Melder – Naam: ...").
    """
    lines = summary_lines(forms_, labels=labels)
    # A page has one autofocus (HTML): where a field has it (the login's name, the code), the
    # summary takes the focus by script only (static/js/forms.js), before the browser's autofocus.
    field_autofocus = lines and any(
        field.widget.attrs.get("autofocus")
        for form, _label in _with_labels(forms_, labels)
        if isinstance(form, forms.BaseForm) and form.is_bound
        for field in form.fields.values()
    )
    return {"lines": lines, "autofocus": bool(lines) and not field_autofocus}
