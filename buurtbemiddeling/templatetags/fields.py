"""A lean Bootstrap 5 field for the hottest pages (the case list's filters).

crispy-forms renders each field through a large template with many branches: on the case
list the ten filter fields cost more than the fifty rows. `{% include "includes/field.html" %}`
gives the same markup (label, widget, help text, errors, aria-describedby/aria-invalid from
Django) at a fraction of the cost. Other forms keep crispy.
"""

from django import forms, template

register = template.Library()


@register.filter
def bootstrap_widget(bound_field):
    """The field's widget with Bootstrap's class, marked invalid when the field has errors."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})


@register.filter
def get_item(mapping, key):
    """`{{ labels|get_item:name }}`: a dict's value for a key held in a variable."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key
