"""Escaping for the hand-built markup of hot pages (case table rows, filter selects).

django.utils.html.conditional_escape gives the same result, but every call goes through
Django's lazy-string wrapper; a case list page makes some eight hundred of them.
"""

from html import escape as _html_escape


def escape(value) -> str:
    """conditional_escape for plain values: safe strings pass, everything else is escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _html_escape(str(value))
