"""The audit trail: views and changes recorded, personal data never in the log, append-only."""

import json

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from buurtbemiddeling.models import AccessAction, AccessLog
from cases.models import Party
from cases.services import party_set_participation


def row_text(entry) -> str:
    return json.dumps({f.name: str(getattr(entry, f.attname)) for f in entry._meta.fields})


def test_opening_a_case_page_is_logged_without_personal_data(login, coordinator, case):
    party = case.parties.get(side="A")
    login(coordinator).get(case.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    entry = AccessLog.objects.get(action=AccessAction.CASE_VIEWED)
    assert (entry.user, entry.username, entry.role) == (coordinator, "coordinator", "coordinator")
    assert (entry.object_type, entry.object_id, entry.allowed) == ("case", case.reference, True)
    assert entry.client_address == "10.1.2.3"
    assert entry.organisation == str(coordinator.service)
    assert party.name not in row_text(entry) and party.street not in row_text(entry)


def test_a_refused_attempt_is_logged_as_denied(login, other_coordinator, case):
    response = login(other_coordinator).get(case.get_absolute_url())
    assert response.status_code == 404
    entry = AccessLog.objects.get()
    assert (entry.user, entry.allowed, entry.object_id) == (other_coordinator, False, case.reference)


def test_a_search_is_logged_without_the_search_term(login, coordinator, case):
    client = login(coordinator)
    client.post(reverse("cases:list"), {"q": "Geheimnaam"})
    client.get(reverse("cases:list"))
    entry = AccessLog.objects.get(action=AccessAction.CASE_LIST_VIEWED)
    assert "zoekterm gebruikt" in entry.detail
    assert "Geheimnaam" not in row_text(entry)


def test_the_coordinator_sees_who_viewed_the_case(login, coordinator, mediator_user, assigned_case):
    login(mediator_user).get(assigned_case.get_absolute_url())
    html = login(coordinator).get(assigned_case.get_absolute_url()).text
    assert "Wie bekeek deze zaak" in html
    assert html.count("bemiddelaar") >= 1


def test_changes_are_logged_with_personal_values_masked(case, coordinator):
    party = case.parties.get(side="A")
    created = LogEntry.objects.get_for_object(party).get()
    dump = json.dumps(created.changes) + created.object_repr
    assert party.name not in dump and party.phone not in dump and party.street not in dump
    assert "[afgeschermd]" in dump
    party_set_participation(party=party, actor=coordinator, participation="refused")
    change = LogEntry.objects.get_for_object(party).filter(action=LogEntry.Action.UPDATE).get()
    assert change.changes["participation"] == ["unknown", "refused"]


def test_the_access_log_cannot_be_changed_by_the_application(login, coordinator, case):
    login(coordinator).get(case.get_absolute_url())
    entry = AccessLog.objects.get()
    entry.allowed = False
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


@pytest.mark.parametrize("table", ["buurtbemiddeling_accesslog", "auditlog_logentry"])
def test_the_database_refuses_to_update_the_logs(table, login, coordinator, case):
    login(coordinator).get(case.get_absolute_url())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608 - fixed table names


@pytest.mark.parametrize("table", ["buurtbemiddeling_accesslog", "auditlog_logentry"])
def test_on_postgresql_the_database_refuses_to_delete_from_the_logs(table, login, coordinator, case):
    if connection.vendor != "postgresql":
        pytest.skip("DELETE is refused by trigger on PostgreSQL only (see migration 0005)")
    login(coordinator).get(case.get_absolute_url())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


def test_users_cannot_be_deleted_in_the_admin_only_deactivated(client, admin_user, coordinator):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.get(reverse("admin:buurtbemiddeling_user_delete", args=[coordinator.pk]))
    assert response.status_code == 403
    assert Party.objects.count() == 0  # nothing else touched


def test_the_client_address_is_trusted_from_our_own_proxy_only(rf, settings):
    from buurtbemiddeling.audit import client_address

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    direct = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(direct) == "203.0.113.9"  # a forged header from a client is ignored
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(proxied) == "198.51.100.7"  # the entry our proxy added, not the forged one
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert client_address(garbage) == "10.0.0.1"


def test_an_unusual_digit_in_a_postcode_does_not_break_routing(service):
    from buurtbemiddeling.models import MediationService

    assert list(MediationService.objects.covering_postcode("²²²² AB")) == []
    assert list(MediationService.objects.covering_postcode("7511 AB")) == [service]


# --- Every page that shows residents writes one row per view -------------------------------


def _list_rows(page):
    return AccessLog.objects.filter(action=AccessAction.CASE_LIST_VIEWED, object_id=page)


def test_the_work_queue_writes_one_row_naming_the_page_and_the_count(login, coordinator, make_case):
    case = make_case()
    html = login(coordinator).get(reverse("cases:queue")).text
    assert case.reference in html
    (entry,) = _list_rows("werkvoorraad")
    assert entry.detail.endswith(", 1") and entry.user == coordinator and entry.allowed
    assert case.parties.get(side="A").name not in row_text(entry)


def test_my_cases_writes_one_row_for_the_mediator(login, mediator_user, assigned_case):
    login(mediator_user).get(reverse("cases:my_cases"))
    (entry,) = _list_rows("mijn-zaken")
    assert entry.detail.endswith(", 1") and entry.user == mediator_user


def test_the_case_list_logs_the_kinds_of_filter_never_their_values(login, coordinator, case, neighbourhood):
    client = login(coordinator)
    client.get(reverse("cases:list"), {"status": "registered", "neighbourhood": neighbourhood.pk})
    (entry,) = _list_rows("zaken")
    assert "neighbourhood" in entry.detail and "status" in entry.detail
    assert "registered" not in entry.detail and str(neighbourhood.pk) not in entry.detail.split(",")[-2]


def _case_views(case):
    return AccessLog.objects.filter(action=AccessAction.CASE_VIEWED, object_id=case.reference).count()


def test_an_action_and_the_page_it_returns_to_are_one_view(login, coordinator, case):
    client = login(coordinator)
    url = case.get_absolute_url()
    client.get(url)
    assert _case_views(case) == 1
    response = client.post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": "intake", "expected_status": "registered"},
        HTTP_REFERER=f"http://testserver{url}",
        follow=True,
    )
    assert response.status_code == 200 and response.redirect_chain
    assert _case_views(case) == 1  # the page it returned to is the same look
    client.get(url)  # a new look
    assert _case_views(case) == 2


def test_without_a_referer_the_returned_page_is_logged_again(login, coordinator, case):
    client = login(coordinator)
    client.get(case.get_absolute_url())
    client.post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": "intake", "expected_status": "registered"},
        follow=True,
    )
    assert _case_views(case) == 2  # one row too many rather than one too few
