"""`{% submission_key %}`: put it beside `{% csrf_token %}` in a form that stores something.

A fresh random key per rendered form; SubmissionKeyMiddleware stores the form's result
once per key (buurtbemiddeling/submissions.py), so a double click or a second tab does not
store it twice.
"""

from django import template
from django.utils.html import format_html

from buurtbemiddeling.submissions import FIELD, new_key

register = template.Library()


@register.simple_tag
def submission_key():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
