"""Real-browser harness: Debian's Chromium driven by Playwright against a live server.

Every page a journey visits is checked with axe-core (WCAG 2.1 A/AA: no serious or critical
violations); every journey fails if the browser contacted any host but 127.0.0.1/localhost
or reported a Content-Security-Policy violation. Without Chromium the tests are skipped,
unless REQUIRE_BROWSER=1 (CI sets it), which makes a missing browser a failure.
"""

import os
import shutil
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API must not run inside an asyncio loop; Django's async-unsafe
    # check would otherwise trip over the database calls in the same thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser tab with the checks every journey needs."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.foreign_requests = []
        self.csp_violations = []
        self.checked = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)

    def _on_request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in LOCAL_HOSTS:
            self.foreign_requests.append(request.url)

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(message.text)

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return response

    def check_accessibility(self, label=""):
        """axe-core on the current page: no serious or critical WCAG 2.1 A/AA violations."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        self.checked.append(label or self.page.url)
        assert not bad, f"accessibility violations on {label or self.page.url}:\n" + "\n".join(bad)

    def assert_clean(self):
        assert not self.foreign_requests, f"requests to other hosts: {self.foreign_requests}"
        assert not self.csp_violations, f"Content-Security-Policy violations: {self.csp_violations}"


@pytest.fixture
def visit(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    tab = Visit(page, live_server.url)
    yield tab
    context.close()
    tab.assert_clean()


@pytest.fixture
def phone_visit(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    tab = Visit(page, live_server.url)
    yield tab
    context.close()
    tab.assert_clean()


def current_code(key: bytes, offset: int = 0) -> str:
    """What an authenticator app shows now for this key."""
    import time

    from django_otp.oath import TOTP

    generator = TOTP(key)
    generator.time = time.time() + offset
    return f"{generator.token():06d}"


def log_in(visit, username, password, *, second_factor=True):
    """Log in as a person would: password, then (set up or give) the second factor."""
    import base64
    import re

    from django_otp.plugins.otp_totp.models import TOTPDevice

    visit.goto("/inloggen/")
    visit.check_accessibility("login")
    page = visit.page
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    if not second_factor:
        return
    if "/account/tweestapsverificatie/" in page.url:
        visit.check_accessibility("two-factor setup")
        key = re.sub(r"\s", "", page.locator("code.user-select-all").inner_text())
        secret = base64.b32decode(key + "=" * (-len(key) % 8))
        page.get_by_label("Code").fill(current_code(secret))
        page.get_by_role("button", name="Bevestigen").click()
        page.wait_for_load_state()
        assert page.locator("#backup-codes li").count() == 10
        visit.check_accessibility("backup codes")
        page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
        page.wait_for_load_state()
    elif "/inloggen/code/" in page.url:
        visit.check_accessibility("two-factor code")
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Code").fill(current_code(device.bin_key))
        page.get_by_role("button", name="Verder").click()
        page.wait_for_load_state()
