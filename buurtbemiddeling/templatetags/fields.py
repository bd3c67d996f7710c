"""A lean Bootstrap 5 field for the hottest pages (the case list's filters, the case page's forms).

crispy-forms renders each field through a large template with many branches: on the case
list the ten filter fields cost more than the fifty rows. `{{ field|lean_field }}` gives the
same markup (label, widget, help text, errors, aria-describedby/aria-invalid from
Django) at a fraction of the cost. Other forms keep crispy.
"""

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# Widgets with their own layout (a box beside its label, a list of options) stay with crispy.
CRISPY_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def _bootstrap_widget(bound_field):
    """The field's widget with Bootstrap's class, marked invalid when the field has errors."""
    css = "form-select" if isinstance(bound_field.field.widget, forms.Select) else "form-control"
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})


@register.filter
def lean_field(bound_field):
    """`{{ form.x|lean_field }}`: a Bootstrap 5 field (label, widget, error box, help text), built in Python.

    For inputs, selects and text areas, which are most fields of the case page's many forms;
    checkboxes and radio lists go through crispy's `as_crispy_field`, hidden fields are the
    bare input. Django adds aria-describedby and aria-invalid to the widget itself.
    """
    if bound_field.is_hidden:
        return bound_field.as_widget()
    if isinstance(bound_field.field.widget, CRISPY_WIDGETS):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(bound_field)
    esc = conditional_escape
    required = '<span class="asteriskField">*</span>' if bound_field.field.required else ""
    parts = [
        f'<div class="mb-3"><label for="{esc(bound_field.id_for_label)}" class="form-label">'
        f"{esc(bound_field.label)}{required}</label>",
        str(_bootstrap_widget(bound_field)),
    ]
    if bound_field.errors:
        # The box the widget's aria-describedby names ({auto_id}_error), as crispy and Django make it.
        auto_id = esc(bound_field.auto_id)
        parts.append(f'<div id="{auto_id}_error" class="invalid-feedback d-block">')
        parts += [
            f'<p id="error_{number}_{auto_id}"><strong>{esc(error)}</strong></p>'
            for number, error in enumerate(bound_field.errors, 1)
        ]
        parts.append("</div>")
    if bound_field.help_text:
        parts.append(
            f'<div id="{esc(bound_field.auto_id)}_helptext" class="form-text">{esc(bound_field.help_text)}</div>'
        )
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.filter
def lean_form(form):
    """`{{ form|lean_form }}`: crispy's `|crispy` layout (the form's own errors, then every
    field), each field through lean_field."""
    parts = []
    if form.non_field_errors():
        items = "".join(f"<li>{conditional_escape(error)}</li>" for error in form.non_field_errors())
        parts.append(f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>')
    parts += [str(lean_field(field)) for field in form]
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.filter
def get_item(mapping, key):
    """`{{ labels|get_item:name }}`: a dict's value for a key held in a variable."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key
