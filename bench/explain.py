"""EXPLAIN ANALYZE every query of every benchmarked page: which index serves it, how long it runs.

Run by bench/run.sh after the measurements, on the same seeded database. For each page of
bench/measure.py it captures the page's SQL in-process, runs each read query again under
EXPLAIN (ANALYZE, FORMAT JSON) and prints the scans: the index used, or a sequential scan
with the rows it read. A sequential scan over more than LARGE_SCAN rows of a table that
grows with the cases is marked; so is a query slower than SLOW_MS. Everything goes to
bench/results/<time>-<scale>-explain.txt as well.
"""

import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import measure  # noqa: E402  (sets up Django)
from django.db import connection  # noqa: E402

LARGE_SCAN = 10_000
SLOW_MS = 50
SCAN_NODES = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan"}


def page_queries(path, cookie, method, body) -> list[str]:
    _response, queries = measure.fetch(path, cookie, method, body)
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]


def scans(plan: dict):
    node = plan.get("Node Type", "")
    if node in SCAN_NODES:
        rows = plan.get("Actual Rows", 0) * plan.get("Actual Loops", 1)
        removed = plan.get("Rows Removed by Filter", 0) * plan.get("Actual Loops", 1)
        yield node, plan.get("Relation Name", ""), plan.get("Index Name", ""), rows + removed
    for child in plan.get("Plans", []):
        yield from scans(child)


def explain(sql: str) -> tuple[float, list]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (result,) = cursor.fetchone()
    document = result[0] if isinstance(result, list) else json.loads(result)[0]
    return document["Execution Time"], list(scans(document["Plan"]))


def main():
    lines, marks = [], 0
    for name, path, cookie, method, body in measure.pages():
        queries = page_queries(measure.concrete_path(name, path, cookie), cookie, method, body)
        timed = [(sql, *explain(sql)) for sql in queries]
        total = sum(ms for _, ms, _ in timed)
        lines.append(f"== {name}: {len(queries)} read queries, {total:.1f} ms in the database")
        for sql, ms, found in sorted(timed, key=lambda item: -item[1]):
            flags = []
            for node, table, _index, rows in found:
                if node == "Seq Scan" and rows > LARGE_SCAN and table.startswith(("cases_", "referrals_", "partners_")):
                    flags.append(f"LARGE SEQ SCAN {table} ({rows:,} rows)")
            if ms > SLOW_MS:
                flags.append(f"SLOW ({ms:.0f} ms)")
            marks += bool(flags)
            used = ", ".join(
                f"{node} {index or table}" + (f" ({rows:,} rows)" if rows > LARGE_SCAN else "")
                for node, table, index, rows in found
            )
            lines.append(f"  {ms:7.1f} ms  {' '.join(sql.split())[:110]}")
            lines.append(f"             {used or '(no table scan)'}{'  <-- ' + '; '.join(flags) if flags else ''}")
    lines.append(f"{marks} queries marked (large sequential scan or slower than {SLOW_MS} ms)")
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results" / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{measure.SCALE}-explain.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    os.environ.setdefault("SCALE", "small")
    main()
