"""Settings come from the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "conn_max_age": db["CONN_MAX_AGE"], "health": db["CONN_HEALTH_CHECKS"],
    "debug": settings.DEBUG, "session_cookie": settings.SESSION_COOKIE_NAME,
    "secure": settings.SESSION_COOKIE_SECURE, "hsts": settings.SECURE_HSTS_SECONDS,
    "mail": settings.MAILERS["default"]["BACKEND"], "language": settings.LANGUAGE_CODE,
}))
"""


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="buurtbemiddeling.settings")
    code = "import django; django.setup();" + PROBE
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    return result


def test_without_database_url_the_embedded_sqlite_file_is_used():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["language"] == "nl"
    assert values["mail"] == "django.core.mail.backends.console.EmailBackend"


def test_database_url_selects_postgresql_with_persistent_connections():
    result = load_settings(DEBUG="true", DATABASE_URL="postgres://app:secret@db.example:5432/bb", CONN_MAX_AGE="120")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["host"] == "db.example"
    assert values["name"] == "bb"
    assert values["conn_max_age"] == 120
    assert values["health"] is True


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("debug", ["", "false", "0"])
def test_production_defaults_are_secure(debug):
    result = load_settings(DEBUG=debug, SECRET_KEY="x" * 60, ALLOWED_HOSTS="bb.example")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["secure"] is True
    assert values["session_cookie"] == "__Host-sessionid"
    assert values["hsts"] >= 31536000
    assert values["mail"] == "django.core.mail.backends.smtp.EmailBackend"
