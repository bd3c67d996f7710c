"""Nothing lost, nothing doubled: e-mail as background tasks, under a real mail server's faults.

The mail server is real in the sense that matters: Django's SMTP backend talks TCP to a
port on this machine that refuses connections (down) or accepts and never answers (hung).
Tasks are stored by django-tasks-db in the test database and run as the worker runs them.
"""

import logging
import socket
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from buurtbemiddeling import background
from buurtbemiddeling.models import Submission
from cases.constants import CaseStatus
from cases.models import Case
from cases.services import case_transition
from referrals.models import Referral
from tests.referrals.test_referrals import form_data, milestone_mails
from tests.selfreport.test_selfreport import REPORT, report_data, to_report_step

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def smtp_at(port: int, *, timeout: float = 1.0) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout, "use_tls": False},
        }
    }


@pytest.fixture
def closed_port():
    """A port nothing listens on: the mail server is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hung_server():
    """A mail server that accepts connections and never says a word; counts connections."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()
    for conn in accepted:
        conn.close()


def make_due():
    """Let the waits between attempts pass."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - timedelta(seconds=1))


def states():
    return sorted(
        (row.status, row.exception_class_path.rsplit(".", 1)[-1]) for row in DBTaskResult.objects.order_by("pk")
    )


@pytest.fixture
def referred_case(login, referrer):
    login(referrer).post(reverse("referrals:create"), form_data())
    return Case.objects.get()


def test_with_the_mail_server_down_the_change_is_stored_and_the_mail_follows_once(
    login, coordinator, referrer, referred_case, settings, closed_port, mailoutbox, run_tasks, caplog
):
    settings.MAILERS = smtp_at(closed_port)
    client = login(coordinator)
    case = case_transition(case=referred_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    response = client.post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": CaseStatus.SUITABLE, "expected_status": CaseStatus.INTAKE},
    )
    # The coordinator's page answers normally: nothing waited on the mail server.
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUITABLE
    with caplog.at_level(logging.INFO):
        run_tasks()
    referral = Referral.objects.get()
    assert referral.last_notified_milestone != "picked_up"  # not marked as told: it was not
    assert ("FAILED", "RetryScheduled") in states() and ("READY", "") in states()
    # Neither the log nor the stored error names the referrer or anything of the case.
    stored = " ".join(row.traceback for row in DBTaskResult.objects.all())
    for text in (caplog.text, stored):
        assert referrer.email not in text and "Ayla" not in text and "Beukenlaan" not in text
    assert "ConnectionRefusedError" in caplog.text

    # The mail server is back: the next attempt sends it, once.
    settings.MAILERS = LOCMEM
    make_due()
    run_tasks()
    assert len(milestone_mails(mailoutbox)) == 1 and mailoutbox[0].to == [referrer.email]
    referral.refresh_from_db()
    assert referral.last_notified_milestone == "picked_up"
    make_due()
    run_tasks()
    assert len(milestone_mails(mailoutbox)) == 1


def test_after_the_last_attempt_the_task_waits_for_an_admin_who_can_retry_it(
    client, admin_user, referred_case, coordinator, settings, closed_port, mailoutbox, run_tasks
):
    settings.TASK_ATTEMPTS = 2
    settings.MAILERS = smtp_at(closed_port)
    case = case_transition(case=referred_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    run_tasks()  # still "received": nothing to tell, nothing sent
    case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    run_tasks()
    make_due()
    run_tasks()
    assert states() == [("FAILED", "GaveUp"), ("FAILED", "RetryScheduled"), ("SUCCESSFUL", "")]
    assert background.queue_health()["gave_up"] == 1
    # An admin sees it in the admin and retries it once the mail server works again.
    settings.MAILERS = LOCMEM
    client.force_login(admin_user)
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(changelist + "?attention=gave_up")
    assert page.status_code == 200 and "notify_referrer" in page.text
    assert "1 opgegeven en wachtend op een beheerder" in page.text
    gave_up = DBTaskResult.objects.get(exception_class_path__endswith="GaveUp")
    answer = client.post(changelist, {"action": "retry_tasks", "_selected_action": [str(gave_up.pk)]})
    assert answer.status_code == 302
    run_tasks()
    assert len(milestone_mails(mailoutbox)) == 1
    assert background.queue_health()["gave_up"] == 0
    # Retrying the same row twice does not send twice.
    client.post(changelist, {"action": "retry_tasks", "_selected_action": [str(gave_up.pk)]})
    run_tasks()
    assert len(milestone_mails(mailoutbox)) == 1


def test_a_hung_mail_server_holds_up_no_request(client, service, settings, hung_server, mailoutbox, run_tasks):
    port, accepted = hung_server
    settings.MAILERS = smtp_at(port, timeout=0.5)
    to_report_step(client)
    response = client.post(REPORT, report_data(service, send_confirmation="on"))
    assert response.status_code == 302 and Case.objects.count() == 1
    assert accepted == []  # the request never spoke to the mail server
    run_tasks()
    assert len(accepted) == 1  # the worker did, timed out, and will try again
    assert ("READY", "") in states() and mailoutbox == []


def test_a_rolled_back_change_leaves_no_mail_behind(referred_case, coordinator, run_tasks, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        case = case_transition(case=referred_case, to_status=CaseStatus.INTAKE, actor=coordinator)
        case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
        assert DBTaskResult.objects.count() == 2  # enqueued with the change...
        raise RuntimeError
    assert DBTaskResult.objects.count() == 0  # ...and gone with it
    assert run_tasks() == 0 and mailoutbox == []


def test_a_task_whose_worker_died_runs_again(referred_case, coordinator, run_tasks, mailoutbox):
    case = case_transition(case=referred_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    # A worker claimed the task and was killed: the row says RUNNING, for ever.
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=10))
    assert run_tasks() == 0
    assert background.recover_stale() == 2
    run_tasks()
    assert len(milestone_mails(mailoutbox)) == 1  # once: the second run finds it told


def test_the_same_self_report_sent_three_times_is_stored_once(client, service, run_tasks, mailoutbox):
    to_report_step(client)
    data = report_data(service, send_confirmation="on")
    state = client.get(REPORT).text.split('name="state" value="', 1)[1].split('"', 1)[0]
    answers = [client.post(REPORT, {**data, "state": state}) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 302]
    assert Case.objects.count() == 1 and Submission.objects.count() == 1
    run_tasks()
    assert len(mailoutbox) == 1
    done = client.get(reverse("selfreport:done")).text
    assert Case.objects.get().reference in done


def test_the_phone_form_sent_twice_registers_one_case(login, coordinator):
    from tests.cases.test_views import register_data

    client = login(coordinator)
    key = client.get(reverse("cases:create")).text.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    first = client.post(reverse("cases:create"), {**register_data(), "submission_key": key})
    second = client.post(reverse("cases:create"), {**register_data(), "submission_key": key}, follow=True)
    assert Case.objects.count() == 1
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "Dit formulier was al verstuurd. Er is niets dubbel opgeslagen." in second.text


def key_of(html: str) -> str:
    return html.split('name="submission_key" value="', 1)[1].split('"', 1)[0]


def test_every_form_that_stores_something_carries_a_key_and_runs_once_per_key(
    login, coordinator, referrer, assigned_case, mediator_user
):
    """The referral form, a conversation, a party: a repeat of the same rendered form stores nothing."""
    from cases.models import Conversation, Party

    referral_page = login(referrer).get(reverse("referrals:create"), {"resident": "yes", "neighbour": "not_yet"}).text
    key = key_of(referral_page)
    for _ in range(2):
        login(referrer).post(reverse("referrals:create"), {**form_data(), "submission_key": key})
    assert Referral.objects.count() == 1

    case_page = login(coordinator).get(assigned_case.get_absolute_url()).text
    assert case_page.count('name="submission_key"') >= 3
    conversation = {
        "kind": "intake_a",
        "held_on": timezone.localdate().isoformat(),
        "report": "Gesprek met A.",
        "submission_key": key_of(case_page),
    }
    url = reverse("cases:log_conversation", args=[assigned_case.reference])
    answers = [login(coordinator).post(url, conversation) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert Conversation.objects.filter(case=assigned_case).count() == 1
    # A form sent back with an error releases its key: corrected, the same page is stored.
    party_url = reverse("cases:add_party", args=[assigned_case.reference])
    before = Party.objects.filter(case=assigned_case).count()
    refused = login(coordinator).post(party_url, {"new-side": "C", "new-name": "Derde", "submission_key": key})
    assert refused.status_code == 200
    login(coordinator).post(party_url, {"new-side": "B", "new-name": "Derde", "submission_key": key})
    assert Party.objects.filter(case=assigned_case).count() == before + 1


# --- At the same moment (PostgreSQL: real concurrent transactions) -----------------------

concurrent = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent transactions: PostgreSQL")


def at_once(count, work):
    """Run `work(i)` in `count` threads released together; each has its own connection."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        from django.db import connections

        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    return results


@concurrent
@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_posts_of_one_self_report_store_one_case(service):
    from django.test import Client

    client = Client()
    to_report_step(client)
    state = client.get(REPORT).text.split('name="state" value="', 1)[1].split('"', 1)[0]
    data = {**report_data(service), "state": state}
    cookies = client.cookies

    def post(_i):
        other = Client()
        other.cookies = cookies
        return other.post(REPORT, data).status_code

    assert at_once(3, post) == [302, 302, 302]
    assert Case.objects.count() == 1


@concurrent
@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_posts_of_the_phone_form_register_one_case(coordinator):
    from django.test import Client

    from tests.cases.test_views import register_data

    client = Client()
    client.force_login(coordinator)
    data = {**register_data(), "submission_key": key_of(client.get(reverse("cases:create")).text)}

    def post(_i):
        other = Client()
        other.cookies = client.cookies
        return other.post(reverse("cases:create"), data).status_code

    assert at_once(3, post) == [302, 302, 302]
    assert Case.objects.count() == 1


@concurrent
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_reports_from_one_address_pass_the_limit_of_five_exactly(service, settings):
    from django.test import Client

    settings.SELFREPORT_REPORTS_PER_HOUR = 5
    clients = []
    for _ in range(10):
        client = Client()
        to_report_step(client)
        clients.append(client)

    def post(i):
        return clients[i].post(REPORT, report_data(service)).status_code

    codes = at_once(10, post)
    assert Case.objects.count() == 5
    assert sorted(codes) == [302] * 5 + [429] * 5


@concurrent
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_one_task(referrer, coordinator, settings):
    from django.core import mail
    from django.test import Client

    client = Client()
    client.force_login(referrer)
    client.post(reverse("referrals:create"), form_data())
    case = Case.objects.get()
    case = case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    mail.outbox = []
    ran = at_once(2, lambda _i: background.run_pending())
    assert sum(ran) == DBTaskResult.objects.count() == 2
    assert all(len(row.worker_ids) == 1 for row in DBTaskResult.objects.all())
    assert len(milestone_mails(mail.outbox)) == 1


def test_the_worker_command_runs_what_is_due_and_stops(referred_case, coordinator, mailoutbox):
    from django.core.management import call_command

    case = case_transition(case=referred_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    call_command("worker", "--batch")
    assert len(milestone_mails(mailoutbox)) == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_queue_health_is_cheap_and_counts(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert background.queue_health() == {"waiting": 0, "oldest_waiting_seconds": 0, "gave_up": 0}


assert connection  # used by the skip condition above


# --- The database away (a restart, a failover) ---------------------------------------------


@concurrent
@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_away_pages_say_503_even_with_a_session(client, coordinator, closed_port):
    from django.db import connections

    client.force_login(coordinator)
    assert client.get("/healthz").status_code == 200
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connections.close_all()
    settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
    try:
        client.raise_request_exception = False
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json() == {"status": "unavailable"}
        assert health["Retry-After"] == "10"
        page = client.get(reverse("cases:queue"))
        assert page.status_code == 503 and "Even niet bereikbaar" in page.text
    finally:
        connections.close_all()
        settings_dict.clear()
        settings_dict.update(saved)
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("cases:queue")).status_code == 200


# --- SQLite, the embedded default: writers queue, none fails -------------------------------


@pytest.mark.parametrize("mode", ["IMMEDIATE", "DEFERRED"])
def test_two_writers_at_once_on_the_embedded_sqlite_file(tmp_path, settings, mode, django_db_blocker):
    """Two requests that read, then write, at the same moment on one SQLite file: with the
    app's options both succeed, one after the other; SQLite's default (DEFERRED) made one
    answer "database is locked" (the issue's 500s on `make run`)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper
    from django.db.utils import OperationalError

    def wrapper():
        options = {**settings.SQLITE_OPTIONS, "transaction_mode": mode, "timeout": 5}
        return DatabaseWrapper(
            {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "db.sqlite3"),
                "OPTIONS": options,
                "TIME_ZONE": None,
                "CONN_MAX_AGE": 0,
                "CONN_HEALTH_CHECKS": False,
                "AUTOCOMMIT": True,
                "ATOMIC_REQUESTS": False,
                "USER": "",
                "PASSWORD": "",
                "HOST": "",
                "PORT": "",
                "TEST": {},
            },
            alias=f"sqlite-{mode}",
        )

    django_db_blocker.unblock()  # a database of its own, not the test database
    setup = wrapper()
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, n INTEGER)")
    setup.close()
    barrier = threading.Barrier(2)
    outcomes = []

    def request():
        db = wrapper()
        try:
            db.ensure_connection()
            barrier.wait()
            # What transaction.atomic() does on SQLite: BEGIN <transaction_mode>.
            db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with db.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM reports")
                count = cursor.fetchone()[0]
                threading.Event().wait(0.2)
                cursor.execute("INSERT INTO reports (n) VALUES (%s)", [count + 1])
            db.commit()
            outcomes.append("stored")
        except OperationalError as error:
            outcomes.append(str(error))
        finally:
            db.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    django_db_blocker.restore()
    if mode == "IMMEDIATE":
        assert outcomes == ["stored", "stored"]
    else:
        assert "database is locked" in outcomes


def test_healthz_tells_the_oldest_waiting_task_and_503_when_no_worker_sends(
    client, referred_case, coordinator, settings, django_assert_max_num_queries
):
    case = case_transition(case=referred_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    with django_assert_max_num_queries(1):
        health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["tasks"]["waiting"] == 1
    # Nobody has taken it for longer than TASK_QUEUE_STALLED_AFTER: the worker is down or stuck.
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=11))
    stalled = client.get("/healthz")
    assert stalled.status_code == 503 and stalled.json()["status"] == "queue_stalled"
    assert stalled.json()["tasks"]["oldest_waiting_seconds"] >= 660
    assert case  # unchanged by any of this


def test_the_daily_jobs_are_enqueued_once_a_day_by_any_number_of_workers(db, run_tasks, settings):
    import datetime as dt

    from cases.tasks import apply_retention

    amsterdam = timezone.get_current_timezone()
    early = dt.datetime(2026, 12, 2, 2, 0, tzinfo=amsterdam)
    late = dt.datetime(2026, 12, 2, 4, 0, tzinfo=amsterdam)
    assert background.enqueue_daily(now=early) == []
    assert background.enqueue_daily(now=late) == ["housekeeping", "retention"]
    assert background.enqueue_daily(now=late) == []  # a second worker, a minute later
    assert DBTaskResult.objects.filter(task_path=apply_retention.module_path).count() == 1
    assert run_tasks() == 2 and not DBTaskResult.objects.filter(status="FAILED").exists()
    assert background.enqueue_daily(now=late + dt.timedelta(days=1)) == ["housekeeping", "retention"]
    settings.TASK_DAILY_JOBS = False  # cron does it instead
    assert background.enqueue_daily(now=late + dt.timedelta(days=2)) == []
