"""The audit logs are append-only: the database itself refuses UPDATE and DELETE.

PostgreSQL: a row trigger on both tables raises for UPDATE and DELETE (TRUNCATE, which
only a database owner can run, is not a row operation). SQLite, the development default,
gets an UPDATE trigger only: its test runner empties tables with DELETE between tests.
"""

from django.db import migrations

TABLES = ["auditlog_logentry", "buurtbemiddeling_accesslog"]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION bb_refuse_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log % is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bb_refuse_log_change();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS bb_refuse_log_change();")


class Migration(migrations.Migration):
    dependencies = [
        ("buurtbemiddeling", "0004_access_log"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
