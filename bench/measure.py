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


def pages():
    largest = largest_service()
    coordinator = User.objects.filter(service=largest, username__startswith="coordinator").first()
    referrer = User.objects.filter(service=largest, username__startswith="referrer").first()
    coordinator_cookie = session_cookie(coordinator)
    referrer_cookie = session_cookie(referrer)
    cases = Case.objects.filter(service=largest)
    busy_case = cases.filter(status="closed").order_by("-id").first()
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
        ("case page", busy_case.get_absolute_url(), coordinator_cookie, "GET", None),
        ("referrer's list", "/verwijzingen/", referrer_cookie, "GET", None),
        ("report page (Cijfers)", "/cijfers/", coordinator_cookie, "GET", None),
        ("public form: submit step 1", "/melden/", anonymous_csrf, "POST", form_body),
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


def count_queries(path, cookie, method, body) -> tuple[int, int]:
    """SQL of a page as the load sees it: the second request, after caches are filled."""
    fetch(path, cookie, method, body)
    response, queries = fetch(path, cookie, method, body)
    return len(queries), response.status_code


def run_wrk(path, cookie, method, body) -> dict:
    env = dict(os.environ, BENCH_METHOD=method, BENCH_COOKIE=cookie)
    if body:
        env.update(BENCH_BODY=body, BENCH_CONTENT_TYPE="application/x-www-form-urlencoded")
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
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
    queries = {name: count_queries(path, cookie, method, body) for name, path, cookie, method, body in plan}
    runs = {name: [] for name, *_ in plan}
    bare = plan[:2]
    for round_number in range(ROUNDS):
        for name, path, cookie, method, body in plan[2:]:
            # Interleave: the bare views run next to each page, so drift hits both alike.
            for bare_name, bare_path, bare_cookie, bare_method, bare_body in bare:
                runs[bare_name].append(run_wrk(bare_path, bare_cookie, bare_method, bare_body))
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
            "rps_spread": (max(rps_values) - min(rps_values)) / statistics.median(rps_values) if rps_values else 0,
            "p50_ms": median(name, "p50_ms"),
            "p95_ms": median(name, "p95_ms"),
            "p99_ms": median(name, "p99_ms"),
            "ratio_to_authenticated_bare": median(name, "rps") / ceiling if ceiling else 0,
            "sql_queries": queries[name][0],
            "status_in_process": queries[name][1],
            "errors": sum(run["errors"] + run["non_2xx_3xx"] for run in runs[name]),
            "runs": len(rps_values),
        }
        results.append(result)

    by_name = {r["page"]: r for r in results}
    checks = {
        "case list and work queue >= 20% of the authenticated bare view": all(
            by_name[n]["ratio_to_authenticated_bare"] >= 0.2 for n in ("work queue", "case list: first page")
        ),
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
        print(f"[{'ok' if ok else 'MISSED'}] {label}")

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
