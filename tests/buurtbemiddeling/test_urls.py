"""Every URL needs a login, except the few public ones; generated from the URL resolver."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Public on purpose: logging in, resetting a forgotten password, the language switch,
# the load balancer's health check. Nothing here shows or takes personal data.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "healthz",
    "favicon",
    "admin_login_redirect",
    # The shell's public pages: the statements and a service's logo.
    "privacy_statement",
    "privacy_statement_of",
    "accessibility_statement",
    "accessibility_statement_of",
    "service_logo",
    # The resident's self-report: the only data-entry page without an account.
    "selfreport:start",
    "selfreport:advice",
    "selfreport:police",
    "selfreport:postcode",
    "selfreport:report",
    "selfreport:done",
    "admin:login",  # shadowed by admin_login_redirect: it only redirects to our login page
}


def iter_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else None


def sample_path(pattern: str) -> str:
    """A concrete path for a pattern: converters and regex groups get harmless sample values."""
    path = re.sub(
        r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) in ("int", None) and "id" in m.group(2) else "x1", pattern
    )
    path = path.lstrip("^").rstrip("$").replace("\\Z", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = re.sub(r"[\\()?*+\[\]]", "", path)
    return "/" + path


ALL = sorted(set(iter_patterns()))


@pytest.mark.parametrize(("pattern", "name"), ALL)
def test_anonymous_visitors_are_sent_to_a_login_page(client, pattern, name, db):
    path = sample_path(pattern)
    response = client.get(path)
    if name in PUBLIC:
        # A public page about one service answers 404 for a made-up one (the sample id).
        allowed = (200, 302, 405, 404) if "<int:service_id>" in pattern else (200, 302, 405)
        assert response.status_code in allowed, f"{path} should be public"
        return
    assert response.status_code in (302, 404), f"{path} answered {response.status_code}"
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith(("/inloggen/", "/admin/login/")), f"{path} -> {location}"
        final = client.get(location, follow=True)
        assert final.status_code == 200
        assert final.request["PATH_INFO"] == "/inloggen/"
    else:
        # Only admin catch-alls may 404 for made-up objects; they still never show data.
        assert "admin" in pattern, f"{path} gave 404 instead of a login redirect"


def test_the_resolver_walk_finds_the_app_pages():
    names = {name for _, name in ALL}
    assert {"cases:queue", "cases:detail", "referrals:list", "partners:list", "home"} <= names
