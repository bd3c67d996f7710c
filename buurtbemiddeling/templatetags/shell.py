"""The page shell's (base.html) tags."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_service(context):
    """The service whose name, logo and statements the shell shows: the signed-in user's
    (context_processors.navigation), else the one a public page is about (its `service`)."""
    service = context.get("shell_service") or context.get("service")
    return service if getattr(service, "pk", None) else None
