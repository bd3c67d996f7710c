"""Measure pages against the running gunicorn server with wrk, side by side with bare views.

Each page runs interleaved with the bare views, three rounds; we report the median of the
three and the spread (max-min as a share of the median). SQL queries per page are counted
in-process with Django's test client on the same database. Results go to bench/results/.
"""

import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtbemiddeling.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from buurtbemiddeling import paging  # noqa: E402
from buurtbemiddeling.middleware import AbsoluteSessionLifetimeMiddleware  # noqa: E402
from buurtbemiddeling.models import MediationService, User  # noqa: E402
from cases import selectors  # noqa: E402
from cases.models import Case  # noqa: E402

BASE = os.environ.get("BENCH_URL", "http://127.0.0.1:8600")
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SCALE = os.environ.get("SCALE", "small")
CSRF = "b" * 32  # an unmasked CSRF secret, sent as cookie and form field


def session_cookie(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[AbsoluteSessionLifetimeMiddleware.SESSION_KEY] = time.time()
    for key, value in extra_session_values(user).items():
        store[key] = value
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def extra_session_values(user) -> dict:
    """A second factor already verified, when two-factor login is installed."""
    try:
        from buurtbemiddeling.twofactor import bench_session_values
    except ImportError:
        return {}
    return bench_session_values(user)


def largest_service():
    return MediationService.objects.annotate(case_count=Count("cases")).order_by("-case_count").first()


BUSY_CASE = "Benchmark: a case in mediation, as a coordinator works on it every day."


def busy_case(service, coordinator):
    """The case page's case (#21): in mediation, two parties, a mediator pair, six conversations
    with agreements, a timeline of twenty entries. Made through the services, once."""
    from cases.constants import CaseStatus, Channel, ConversationKind, Side
    from cases.models import MediatorProfile
    from cases.services import case_create, case_note_add, case_transition, conversation_log, mediator_assign

    found = Case.objects.filter(service=service, description=BUSY_CASE).first()
    if found is not None:
        return found
    parties = [
        {"side": Side.A, "name": "Bench Bewoner", "street": "Benchlaan", "house_number": "1", "postcode": "1000 AA"},
        {"side": Side.B, "name": "Bench Buur", "street": "Benchlaan", "house_number": "3", "postcode": "1000 AA"},
    ]
    case = case_create(
        service=service,
        actor=coordinator,
        coordinator=coordinator,
        channel=Channel.PHONE,
        reported_on=timezone.localdate() - dt.timedelta(days=30),
        parties=parties,
        description=BUSY_CASE,
    )
    for status in (CaseStatus.INTAKE, CaseStatus.SUITABLE):
        case = case_transition(case=case, to_status=status, actor=coordinator)
    mediators = list(MediatorProfile.objects.filter(service=service, is_active=True)[:2])
    for mediator in mediators:
        mediator_assign(case=case, mediator=mediator, actor=coordinator, over_maximum=True)
    case.refresh_from_db()
    if case.status != CaseStatus.IN_MEDIATION:
        case = case_transition(case=case, to_status=CaseStatus.IN_MEDIATION, actor=coordinator)
    party_list = list(case.parties.all())
    kinds = [ConversationKind.INTAKE_A, ConversationKind.INTAKE_B, *[ConversationKind.JOINT] * 4]
    for number, kind in enumerate(kinds):
        conversation_log(
            case=case,
            actor=coordinator,
            kind=kind,
            held_on=timezone.localdate() - dt.timedelta(days=20 - number * 3),
            mediators=mediators,
            parties=party_list if kind == ConversationKind.JOINT else party_list[number : number + 1],
            report=f"Gesprek {number + 1}: verslag van de bemiddelaars.",
            agreements=[f"Afspraak {number}: muziek na 22.00 uur zachter."] if kind == ConversationKind.JOINT else [],
        )
    while case.events.count() < 20:
        case_note_add(case=case, actor=coordinator, text="Belde terug, spreekt vrijdag met de buurman.")
    return case


def phone_report_body() -> str:
    """The intake form as a coordinator sends it for a phone report (a known address: confirmed)."""
    from urllib.parse import urlencode

    return urlencode(
        {
            "csrfmiddlewaretoken": CSRF,
            "channel": "phone",
            "reported_on": timezone.localdate().isoformat(),
            "a-name": "Jan de Vries",
            "a-street": "Lindelaan",
            "a-house_number": "12",
            "a-postcode": "1000 AB",
            "a-phone": "06-12345678",
            "a-tenure": "owner",
            "b-street": "Lindelaan",
            "b-house_number": "14",
            "b-postcode": "1000 AB",
            "b-tenure": "unknown",
            "description": "Harde muziek in de nacht.",
            "confirm_repeat": "on",
        }
    )


TRANSITION_BODY = f"csrfmiddlewaretoken={CSRF}&expected_status=registered&to_status=intake"


def registered_cases(service, *, since) -> list[str]:
    """Paths of the status step registered -> intake for the cases the phone reports just made."""
    references = Case.objects.filter(service=service, status="registered", created_at__gte=since).values_list(
        "reference", flat=True
    )
    return [f"/zaken/{reference}/status/" for reference in references]


def pages():
    largest = largest_service()
    coordinator = User.objects.filter(service=largest, username__startswith="coordinator").first()
    referrer = User.objects.filter(service=largest, username__startswith="referrer").first()
    coordinator_cookie = session_cookie(coordinator)
    writer_cookie = f"{coordinator_cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}"
    referrer_cookie = session_cookie(referrer)
    cases = Case.objects.filter(service=largest)
    case_page = busy_case(largest, coordinator)
    neighbourhood = cases.exclude(neighbourhood=None).values_list("neighbourhood_id", flat=True).first()
    ordering = selectors.SORTS["-reported"]
    deep_row = cases.order_by(*ordering)[int(cases.count() * 0.9)]
    deep_cursor = paging._encode_cursor(deep_row, [spec.lstrip("-") for spec in ordering])
    form_body = f"csrfmiddlewaretoken={CSRF}&talked=yes&violence=no&legal=no"
    anonymous_csrf = f"{settings.CSRF_COOKIE_NAME}={CSRF}"
    return [
        # (name, path, cookie, method, body)
        ("hello (bare)", "/bench/hello", "", "GET", None),
        ("hello (authenticated bare)", "/bench/hello-auth", coordinator_cookie, "GET", None),
        ("work queue", "/zaken/werkvoorraad/", coordinator_cookie, "GET", None),
        ("case list: first page", "/zaken/", coordinator_cookie, "GET", None),
        (
            "case list: filtered",
            f"/zaken/?status=closed&neighbourhood={neighbourhood}",
            coordinator_cookie,
            "GET",
            None,
        ),
        ("case list: deep page (90%)", f"/zaken/?after={deep_cursor}", coordinator_cookie, "GET", None),
        ("case page", case_page.get_absolute_url(), coordinator_cookie, "GET", None),
        ("referrer's list", "/verwijzingen/", referrer_cookie, "GET", None),
        ("report page (Cijfers)", "/cijfers/", coordinator_cookie, "GET", None),
        # The same page for one coordinator at a time (#21: p50 <= 150 ms alone).
        (ALONE, "/cijfers/", coordinator_cookie, "GET", None),
        ("public form: submit step 1", "/melden/", anonymous_csrf, "POST", form_body),
        # Writes: a phone report registered (a new case each time), then the status step
        # registered -> intake on the cases those reports made, each case once (TRANSITIONS).
        ("phone report (POST)", "/zaken/nieuw/", writer_cookie, "POST", phone_report_body()),
        (TRANSITIONS, "/zaken/<new case>/status/", writer_cookie, "POST", TRANSITION_BODY),
    ]


def fetch(path, cookie, method, body):
    """One request in-process with Django's test client: the response and the SQL it ran."""
    client = Client(HTTP_HOST="127.0.0.1")
    for part in filter(None, cookie.split("; ")):
        name, _, value = part.partition("=")
        client.cookies[name] = value
    with CaptureQueriesContext(connection) as queries:
        if method == "POST":
            response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        else:
            response = client.get(path)
    return response, queries.captured_queries


TRANSITIONS = "status step (POST)"
ALONE = "report page (Cijfers), alone"


def concrete_path(name, path, cookie) -> str:
    """The path to send once: for the status step, that of a case a phone report made just now."""
    if name != TRANSITIONS:
        return path
    started = dt.datetime.now(dt.UTC)
    fetch("/zaken/nieuw/", cookie, "POST", phone_report_body())
    return registered_cases(largest_service(), since=started)[0]


def count_queries(name, path, cookie, method, body) -> tuple[int, int]:
    """SQL of a page as the load sees it: the second request, after caches are filled."""
    fetch(concrete_path(name, path, cookie), cookie, method, body)
    response, queries = fetch(concrete_path(name, path, cookie), cookie, method, body)
    return len(queries), response.status_code


def run_transitions(path, cookie, method, body, *, since) -> dict:
    """The status step on every case the phone reports since `since` made, each once; with how
    many steps were stored (a request after the list ran out is refused: the case moved on)."""
    paths = registered_cases(largest_service(), since=since)
    paths_file = ROOT / "bench" / "results" / ".transition-paths"
    paths_file.write_text("\n".join(paths) + "\n")
    before = Case.objects.filter(service=largest_service(), status="intake").count()
    result = run_wrk(paths[0] if paths else path, cookie, method, body, paths_file=paths_file)
    paths_file.unlink()
    result["stored"] = Case.objects.filter(service=largest_service(), status="intake").count() - before
    result["available"] = len(paths)
    return result


def run_wrk(path, cookie, method, body, *, paths_file=None, connections=None) -> dict:
    connections = connections or CONNECTIONS
    threads = min(2, connections)
    env = dict(os.environ, BENCH_METHOD=method, BENCH_COOKIE=cookie, BENCH_THREADS=str(threads))
    if body:
        env.update(BENCH_BODY=body, BENCH_CONTENT_TYPE="application/x-www-form-urlencoded")
    if paths_file:
        env.update(BENCH_PATHS_FILE=str(paths_file))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{DURATION}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "latency.lua"),
        BASE + path,
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"BENCH_JSON (\{.*\})", output)
    if not match:
        raise RuntimeError(f"wrk gave no result for {path}:\n{output}")
    return json.loads(match.group(1))


def main():
    plan = pages()
    queries = {name: count_queries(name, path, cookie, method, body) for name, path, cookie, method, body in plan}
    runs = {name: [] for name, *_ in plan}
    bare = plan[:2]
    for round_number in range(ROUNDS):
        round_started = dt.datetime.now(dt.UTC)
        for name, path, cookie, method, body in plan[2:]:
            # Interleave: the bare views run next to each page, so drift hits both alike.
            for bare_name, bare_path, bare_cookie, bare_method, bare_body in bare:
                runs[bare_name].append(run_wrk(bare_path, bare_cookie, bare_method, bare_body))
            if name == TRANSITIONS:
                runs[name].append(run_transitions(path, cookie, method, body, since=round_started))
            elif name == ALONE:
                runs[name].append(run_wrk(path, cookie, method, body, connections=1))
            else:
                runs[name].append(run_wrk(path, cookie, method, body))
        print(f"round {round_number + 1}/{ROUNDS} done", flush=True)

    def median(name, key):
        return statistics.median(run[key] for run in runs[name])

    ceiling = median("hello (authenticated bare)", "rps")
    results = []
    for name, path, *_ in plan:
        rps_values = [run["rps"] for run in runs[name]]
        result = {
            "page": name,
            "path": re.sub(r"after=[^&]+", "after=<cursor>", path),
            "rps": median(name, "rps"),
            "rps_spread": (max(rps_values) - min(rps_values)) / statistics.median(rps_values)
            if rps_values and statistics.median(rps_values)
            else 0,
            "p50_ms": median(name, "p50_ms"),
            "p95_ms": median(name, "p95_ms"),
            "p99_ms": median(name, "p99_ms"),
            "ratio_to_authenticated_bare": median(name, "rps") / ceiling if ceiling else 0,
            "sql_queries": queries[name][0],
            "status_in_process": queries[name][1],
            "errors": sum(run["errors"] + run["non_2xx_3xx"] for run in runs[name]),
            "runs": len(rps_values),
        }
        if name == TRANSITIONS:
            result["stored"] = sum(run["stored"] for run in runs[name])
            result["requests"] = sum(run["requests"] for run in runs[name])
        results.append(result)

    by_name = {r["page"]: r for r in results}

    def ratio(name):
        return by_name[name]["ratio_to_authenticated_bare"]

    checks = {
        "authenticated bare view <= 3 SQL statements": by_name["hello (authenticated bare)"]["sql_queries"] <= 3,
        "case list and work queue >= 20% of the authenticated bare view": all(
            ratio(n) >= 0.2 for n in ("work queue", "case list: first page")
        ),
        "referrer's list >= 20% of the authenticated bare view": ratio("referrer's list") >= 0.2,
        "public form >= 100% of the authenticated bare view": ratio("public form: submit step 1") >= 1.0,
        "case page >= 20% of the authenticated bare view": ratio("case page") >= 0.2,
        "Cijfers p50 <= 500 ms at 16 connections": by_name["report page (Cijfers)"]["p50_ms"] <= 500,
        "Cijfers p50 <= 150 ms alone (1 connection)": by_name[ALONE]["p50_ms"] <= 150,
        "phone report (POST) >= 15% of the authenticated bare view": ratio("phone report (POST)") >= 0.15,
        "status step (POST) >= 15% of the authenticated bare view": ratio(TRANSITIONS) >= 0.15,
        "deepest list page within 1.5x the first page's p50": by_name["case list: deep page (90%)"]["p50_ms"]
        <= 1.5 * by_name["case list: first page"]["p50_ms"],
        "p99 <= 3x p50 on every page": all(r["p99_ms"] <= 3 * r["p50_ms"] for r in results),
    }
    header = (
        f"{'page':<30} {'req/s':>8} {'spread':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'ratio':>6} {'SQL':>4} {'err':>4}"
    )
    print()
    print(f"scale={SCALE}, {CONNECTIONS} connections, {DURATION}s x {ROUNDS} rounds, median of rounds")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['page']:<30} {r['rps']:>8.1f} {r['rps_spread']:>6.0%} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['p99_ms']:>8.1f} {r['ratio_to_authenticated_bare']:>6.2f} {r['sql_queries']:>4} {r['errors']:>4}"
        )
    print()
    for label, ok in checks.items():
        print(f"[{'ok' if ok else 'short'}] {label}")
    steps = by_name[TRANSITIONS]
    print(f"status steps stored: {steps['stored']} of {steps['requests']} requests (the rest found the case moved on)")

    counts = {
        "cases": Case.objects.count(),
        "services": MediationService.objects.count(),
        "largest_service_cases": Case.objects.filter(service=largest_service()).count(),
    }
    out = ROOT / "bench" / "results" / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{SCALE}.json"
    out.write_text(
        json.dumps(
            {
                "scale": SCALE,
                "data": counts,
                "connections": CONNECTIONS,
                "duration_s": DURATION,
                "rounds": ROUNDS,
                "cpu_count": os.cpu_count(),
                "results": results,
                "targets": checks,
            },
            indent=2,
        )
    )
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
