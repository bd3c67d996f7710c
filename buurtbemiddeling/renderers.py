"""The form renderer: Django's own, with its commonest widget templates built in Python.

Django renders every widget through a template, and a select through one more template
include per option. The case page holds some sixty widgets (status steps, a conversation,
mediators, parties, the partner panel) and that rendering was a fifth of its time. This
renderer gives exactly Django's markup for inputs, textareas and selects (a test compares
the two on generated widgets, tests/buurtbemiddeling/test_renderers.py) and leaves every
other template, and any widget with a template of its own, to Django.
"""

from html import escape as _escape

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize

WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "checkbox",
        "color",
    )
)
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"


def _escaped(value) -> str:
    """`{{ value }}` in a template: localized, then escaped unless it is safe already."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(localize(value)))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = _escaped(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_escaped(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_escaped(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_escaped(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_escaped(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


BUILDERS = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
}


class FastTemplates(DjangoTemplates):
    """FORM_RENDERER: the builders above for Django's own widget templates, Django otherwise."""

    def render(self, template_name, context, request=None):
        build = BUILDERS.get(template_name)
        if build is not None and (widget := context.get("widget")) is not None:
            html = build(widget)
            if html is not None:
                return html
        return super().render(template_name, context, request)
