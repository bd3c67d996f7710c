"""The backup and restore of docs/deployment.md, done: pg_dump, pg_restore into a new database,
the same rows in every table, the append-only triggers included."""

import os
import shutil
import subprocess
import uuid

import pytest
from django.db import connection

from cases.constants import CaseStatus
from cases.services import case_transition

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _tools():
    found = {name: shutil.which(name) for name in ("pg_dump", "pg_restore", "createdb", "dropdb")}
    if connection.vendor != "postgresql" or not all(found.values()):
        pytest.skip("backup and restore: PostgreSQL with its client tools")
    return found


def _counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    return counts


def test_a_nightly_dump_restores_into_an_empty_database_with_every_row(tmp_path, make_case, coordinator, referrer):
    tools = _tools()
    case = make_case()
    case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"], "PGPORT": str(db["PORT"]), "PGUSER": db["USER"]}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    dump = tmp_path / "nightly.dump"
    restored = f"restored_{uuid.uuid4().hex[:8]}"
    subprocess.run([tools["pg_dump"], "--format=custom", f"--file={dump}", db["NAME"]], env=env, check=True)  # noqa: S603
    subprocess.run([tools["createdb"], restored], env=env, check=True)  # noqa: S603
    try:
        subprocess.run(  # noqa: S603
            [tools["pg_restore"], "--no-owner", f"--dbname={restored}", "--jobs=2", str(dump)], env=env, check=True
        )
        with connection.cursor() as cursor:
            original = _counts(cursor)
        import psycopg2

        copy = psycopg2.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None, dbname=restored
        )
        try:
            with copy.cursor() as cursor:
                assert _counts(cursor) == original
                cursor.execute("SELECT reference, status FROM cases_case")
                assert cursor.fetchall() == [(case.reference, CaseStatus.INTAKE)]
                # The append-only triggers came along: the restored audit log refuses changes too.
                cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
                assert cursor.fetchone()[0] > 0
        finally:
            copy.close()
        assert original["cases_case"] == 1 and original["cases_caseevent"] >= 2
    finally:
        subprocess.run([tools["dropdb"], "--if-exists", restored], env=env, check=False)  # noqa: S603
