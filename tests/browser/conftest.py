"""Real-browser harness: Debian's Chromium driven by Playwright against a live server.

Every page a journey checks (`Visit.check_page`) passes two checks: axe-core (WCAG 2.1 A/AA:
no serious or critical violations) and the Nu HTML Checker (vnu.jar: no HTML errors in the
HTML exactly as the server sent it; warnings do not fail). Every journey fails if the browser
contacted any host but 127.0.0.1/localhost or reported a Content-Security-Policy violation.

The checker is the npm package vnu-jar, pinned in package-lock.json; `make test` installs it
into node_modules/ with `npm ci` when npm is there. It runs once per test session as a local
HTTP service on 127.0.0.1 under the machine's Java (11 or newer), and each page is posted to it.

Without Chromium the tests are skipped; without Java or node_modules/vnu-jar they run without
the HTML check (with a warning). REQUIRE_BROWSER=1 (CI sets it) makes either a failure.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import urldefrag, urlparse

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
REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
# C1-only JIT and the serial collector start the checker in a few seconds and check pages
# faster than the defaults do for a short run; its schema compiler recurses deeply, which
# the C1-compiled frames overflow at the default 1 MB stack (it needs 2 MB; 8 MB is headroom).
VNU_JAVA_OPTIONS = ["-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
VNU_START_TIMEOUT = 120  # seconds; a loaded CI machine can be slow to start a JVM
# Checker messages that are not defects in our HTML: (substring of the message, why).
# Keep this empty unless the checker is provably wrong; fix the template instead.
VNU_IGNORED: list[tuple[str, str]] = []

REFLOW_WIDTH = 320  # WCAG 1.4.10: content reflows at 320 CSS pixels without horizontal scrolling
FOCUS_STEPS = 4  # Tab presses per page whose focus ring is measured
# Colour maths shared by the checks below (WCAG relative luminance and contrast ratio).
_COLOUR_JS = """
const parse = (c) => { const m = c && c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
const lum = ({r, g, b}) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const ratio = (x, y) => { const a = lum(x), b = lum(y); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
const background = (el) => { for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; }
  return {r: 255, g: 255, b: 255, a: 1}; };
const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
  + (el.name ? "[name=" + el.name + "]" : "")
  + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
"""
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.querySelectorAll("body *")].filter((el) => {
    const r = el.getBoundingClientRect(); return r.right > root.clientWidth + 1 && r.width > 0;
  }).slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + [...el.classList].join(".")
    + " (right " + Math.round(el.getBoundingClientRect().right) + ")");
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest: wide};
}"""
BORDER_CONTRAST_JS = (
    "() => {"
    + _COLOUR_JS
    + """
  const weak = [];
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const box = el.getBoundingClientRect();
    if (box.width * box.height < 4 || el.closest("[hidden]") || el.classList.contains("btn-check")) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || parseFloat(style.borderTopWidth) === 0) continue;
    const r = ratio(parse(style.borderTopColor), background(el.parentElement));
    if (r < 3) weak.push(describe(el) + " " + r.toFixed(2) + ":1");
  }
  return weak;
}"""
)
FOCUS_RING_JS = (
    "() => {"
    + _COLOUR_JS
    + """
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const width = style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth);
  const colour = parse(style.outlineColor);
  const r = width > 0 && colour ? ratio(colour, background(el.parentElement)) : 0;
  return {element: describe(el), outline: width + "px " + style.outlineColor, contrast: r.toFixed(2),
          problem: width < 2 || r < 3};
}"""
)


def html_checker_missing() -> str | None:
    """Why the HTML checker cannot run here, or None when it can."""
    if not JAVA:
        return "no java on PATH (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return f"no {VNU_JAR.relative_to(VNU_JAR.parents[4])} (make test runs npm ci; needs npm)"
    return None


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        if REQUIRED and (missing := html_checker_missing()):
            raise pytest.UsageError(f"REQUIRE_BROWSER=1 but the Nu HTML Checker cannot run: {missing}")
        return
    if REQUIRED:
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


class HtmlChecker:
    """The Nu HTML Checker as a local HTTP service: one JVM for the whole test session.

    The JVM starts in the background; the first `errors` call waits until it answers.
    """

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/?out=json"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                JAVA,
                *VNU_JAVA_OPTIONS,
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.ready = False

    def _post(self, html: bytes, content_type: str, timeout: float) -> list[dict]:
        # S310: self.url is always http://127.0.0.1:<port>/, the service started above.
        request = urllib.request.Request(self.url, data=html, headers={"Content-Type": content_type})  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.load(response)["messages"]

    def _wait_until_ready(self):
        deadline = time.monotonic() + VNU_START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Nu HTML Checker exited with {self.process.returncode}:\n{self._log_excerpt()}")
            try:
                self._post(b"<!DOCTYPE html><html lang=en><title>ready?</title>", "text/html; charset=utf-8", 60)
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the Nu HTML Checker did not answer:\n{self._log_excerpt()}") from None
                time.sleep(0.1)
            else:
                self.ready = True
                return

    def _log_excerpt(self) -> str:
        self.log.seek(0)
        text = self.log.read().decode(errors="replace")
        return text if len(text) <= 4000 else f"{text[:2000]}\n[...]\n{text[-2000:]}"

    def errors(self, html: bytes, content_type: str = "text/html; charset=utf-8") -> list[dict]:
        """The checker's errors for one document (warnings and info left out)."""
        if not self.ready:
            self._wait_until_ready()
        messages = self._post(html, content_type, 60)
        return [
            m
            for m in messages
            if m.get("type") in ("error", "non-document-error")
            and not any(text in m.get("message", "") for text, _ in VNU_IGNORED)
        ]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="session")
def html_checker():
    """The running Nu HTML Checker, or None when it cannot run here (see the module docstring)."""
    if missing := html_checker_missing():
        # REQUIRE_BROWSER=1 already stopped the run at collection.
        warnings.warn(f"browser tests run without HTML validation: {missing}", pytest.PytestWarning, stacklevel=1)
        yield None
        return
    checker = HtmlChecker()
    yield checker
    checker.stop()


def format_html_errors(label: str, url: str, errors: list[dict]) -> str:
    lines = [f"HTML errors (Nu HTML Checker) on {label} ({url}):"]
    for error in errors:
        where = f"line {error['lastLine']}" if "lastLine" in error else "document"
        lines.append(f"  {where}: {error.get('message', '')}")
        if extract := error.get("extract"):
            # The extract keeps its positions; a caret line underlines the offending part.
            lines.append("      " + extract.replace("\n", " ").replace("\t", " "))
            if "hiliteStart" in error:
                lines.append("      " + " " * error["hiliteStart"] + "^" * max(error.get("hiliteLength", 1), 1))
    return "\n".join(lines)


class Visit:
    """One browser tab with the checks every journey needs."""

    def __init__(self, page, base_url, html_checker=None):
        self.page = page
        self.base_url = base_url
        self.html_checker = html_checker
        self.foreign_requests = []
        self.csp_violations = []
        self.checked = []
        self.document = None  # the response that delivered the page now shown
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("response", self._on_response)

    def _on_request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in LOCAL_HOSTS:
            self.foreign_requests.append(request.url)

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(message.text)

    def _on_response(self, response):
        # The HTML the server sent for the main document (a GET or a POST result), not the
        # browser's re-serialised DOM; redirects carry no document.
        request = response.request
        if (
            request.is_navigation_request()
            and response.frame == self.page.main_frame
            and not 300 <= response.status < 400
        ):
            self.document = response

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return response

    def check_page(self, label=""):
        """The checks for every page a journey visits: accessibility, valid HTML, and the
        WCAG checks axe leaves out (reflow at 320 px, contrast of borders and focus)."""
        self.check_accessibility(label)
        self.check_html(label)
        self.check_layout(label)

    def check_layout(self, label=""):
        """No horizontal scrolling at this width nor at 320 px (WCAG 1.4.10); fields, radios
        and checkboxes with borders of 3:1 or more, and a keyboard focus ring of 3:1 or
        more on what Tab reaches first (1.4.11). Computed in the browser, as it renders."""
        label = label or self.page.url
        viewport = self.page.viewport_size
        widths = [viewport["width"]] + ([REFLOW_WIDTH] if viewport["width"] != REFLOW_WIDTH else [])
        try:
            for width in widths:
                if width != viewport["width"]:
                    self.page.set_viewport_size({"width": width, "height": viewport["height"]})
                overflow = self.page.evaluate(OVERFLOW_JS)
                assert not overflow, f"{label}: horizontal scrolling at {width} px: {overflow}"
        finally:
            self.page.set_viewport_size(viewport)
        weak = self.page.evaluate(BORDER_CONTRAST_JS)
        assert not weak, f"{label}: field borders under 3:1: {weak[:5]}"
        weak = []
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(FOCUS_STEPS):
            self.page.keyboard.press("Tab")
            ring = self.page.evaluate(FOCUS_RING_JS)
            if ring and ring["problem"]:
                weak.append(ring)
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        self.page.evaluate("window.scrollTo(0, 0)")
        assert not weak, f"{label}: focus rings under 3:1 or missing: {weak}"

    def check_html(self, label=""):
        """The Nu HTML Checker on the HTML the server sent for the current page: no errors."""
        if self.html_checker is None:
            return
        label = label or self.page.url
        url = urldefrag(self.page.url).url
        assert self.document is not None and urldefrag(self.document.url).url == url, (
            f"{label}: no document response captured for {url} (last one: {self.document and self.document.url})"
        )
        content_type = self.document.headers.get("content-type", "")
        assert content_type.startswith("text/html"), f"{label}: {url} is {content_type!r}, not HTML"
        errors = self.html_checker.errors(self.document.body(), content_type)
        assert not errors, format_html_errors(label, urlparse(url).path, errors)

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


# html_checker comes first so its JVM starts while Chromium and the live server start.
@pytest.fixture
def visit(html_checker, browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    tab = Visit(page, live_server.url, html_checker)
    yield tab
    context.close()
    tab.assert_clean()


@pytest.fixture
def phone_visit(html_checker, browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    tab = Visit(page, live_server.url, html_checker)
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
    visit.check_page("login")
    page = visit.page
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    if not second_factor:
        return
    if "/account/tweestapsverificatie/" in page.url:
        visit.check_page("two-factor setup")
        key = re.sub(r"\s", "", page.locator("code.user-select-all").inner_text())
        secret = base64.b32decode(key + "=" * (-len(key) % 8))
        page.get_by_label("Code").fill(current_code(secret))
        page.get_by_role("button", name="Bevestigen").click()
        page.wait_for_load_state()
        assert page.locator("#backup-codes li").count() == 10
        visit.check_page("backup codes")
        page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
        page.wait_for_load_state()
    elif "/inloggen/code/" in page.url:
        visit.check_page("two-factor code")
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Code").fill(current_code(device.bin_key))
        page.get_by_role("button", name="Verder").click()
        page.wait_for_load_state()
