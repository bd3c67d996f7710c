"""A resident's report with a confirmation e-mail, sent by the real worker process.

The worker is `manage.py worker` in its own process on the same (PostgreSQL) test database,
writing mail to files: what a resident's mailbox would get, without the test reaching in.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from cases.models import Case

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process beside the test: it needs the database server (PostgreSQL)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    mail = tmp_path / "mail"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.2", "--worker-id", "journey"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield mail
    process.send_signal(signal.SIGTERM)
    try:
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_the_resident_gets_the_confirmation_from_the_worker(phone_visit, service, worker):
    visit, page = phone_visit, phone_visit.page
    visit.goto("/melden/")
    page.check("input[name=talked][value=yes]")
    page.check("input[name=violence][value=no]")
    page.check("input[name=legal][value=no]")
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_load_state()
    page.fill("#id_postcode", "7511 AB")
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_load_state()
    page.fill("#id_name", "Rosa Rietveld")
    page.fill("#id_email", "rosa@example.org")
    page.fill("#id_street", "Lindelaan")
    page.fill("#id_house_number", "20")
    page.fill("#id_neighbour_street", "Lindelaan")
    page.fill("#id_neighbour_house_number", "22")
    page.locator("input[name=conflict_types]").first.check()
    page.fill("#id_description", "De hond blaft de hele dag.")
    page.check("#id_send_confirmation")
    page.check("#id_consent")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert case.reference in page.content()
    visit.check_page("self-report: confirmation, mail on its way")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sent = [path.read_text() for path in worker.glob("*.log")] if worker.exists() else []
        if sent:
            break
        time.sleep(0.2)
    assert len(sent) == 1, "the worker sent no confirmation within 30 s"
    assert "rosa@example.org" in sent[0] and case.reference in sent[0]
    assert "De hond blaft" not in sent[0]  # the confirmation carries none of the report
