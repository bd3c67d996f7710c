"""Agreements as a followed-up record (#18): the review date, the judgement at follow-up, and
the case's follow-up date that follows them. Built through the real services."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import workflow
from cases.constants import AgreementKept, CaseStatus, ConversationKind, EventKind
from cases.models import Agreement, CaseEvent, Outcome
from cases.services import (
    agreement_judge,
    agreement_set_review_date,
    case_transition,
    conversation_log,
)

TODAY = timezone.localdate


def days(n: int) -> dt.date:
    return TODAY() + dt.timedelta(days=n)


def to_follow_up(case, coordinator, texts=("Geen muziek na tienen", "Hond aan de lijn"), *, held_on=None):
    """A case through intake and mediation to follow-up, with agreements from a joint conversation."""
    for status in (CaseStatus.INTAKE, CaseStatus.SUITABLE, CaseStatus.IN_MEDIATION):
        case = case_transition(case=case, to_status=status, actor=coordinator)
    conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.JOINT,
        held_on=held_on or TODAY(),
        agreements=list(texts),
    )
    case = case_transition(case=case, to_status=CaseStatus.FOLLOW_UP, actor=coordinator)
    case.refresh_from_db()
    return case, list(case.agreements.order_by("created_at", "id"))


def close(case, coordinator):
    outcome = Outcome.objects.get(service=case.service, name="Opgelost na gezamenlijk gesprek met afspraken")
    return case_transition(case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome)


def events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("id"))


@pytest.fixture
def followed(case, coordinator):
    return to_follow_up(case, coordinator)


# --- The rules ------------------------------------------------------------------------------


def test_the_rules_live_in_the_workflow():
    assert {s for s in CaseStatus.values if workflow.judges_agreements(s)} == {
        CaseStatus.IN_MEDIATION,
        CaseStatus.FOLLOW_UP,
    }
    assert not workflow.moves_agreement_reviews(CaseStatus.CLOSED)
    assert not workflow.moves_agreement_reviews(CaseStatus.UNSUITABLE)
    assert workflow.moves_agreement_reviews(CaseStatus.STANDBY)


def test_agreements_start_not_judged_and_carry_their_cases_service(followed, service):
    case, (first, second) = followed
    assert first.kept == AgreementKept.NOT_JUDGED and first.kept_judged_on is None
    assert first.get_kept_display() == "Nog niet beoordeeld"
    assert first.service_id == service.pk
    assert case.follow_up_due_on == first.review_on == TODAY() + dt.timedelta(weeks=service.follow_up_weeks)


def test_the_database_refuses_an_unknown_judgement_or_one_without_its_date(followed):
    from django.db import IntegrityError, transaction

    _case, (first, _second) = followed
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=first.pk).update(kept="maybe", kept_judged_on=TODAY())
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=first.pk).update(kept=AgreementKept.KEPT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=first.pk).update(kept_judged_on=TODAY())


# --- Review dates ---------------------------------------------------------------------------


def test_a_coordinator_moves_a_review_date_and_the_follow_up_date_follows(followed, coordinator):
    case, (first, second) = followed
    scheduled = case.follow_up_due_on
    agreement_set_review_date(agreement=second, review_on=days(3), actor=coordinator, expected_review_on=scheduled)
    second.refresh_from_db()
    case.refresh_from_db()
    assert second.review_on == days(3)
    # The follow-up date is the earliest review date of the agreements not yet judged.
    assert case.follow_up_due_on == days(3)
    (event,) = events(case, EventKind.AGREEMENT_REVIEW_CHANGED)
    assert event.actor == coordinator
    assert event.reason == (
        f"Afspraak 2 van 2: evalueren op {days(3):%d-%m-%Y} (was {scheduled:%d-%m-%Y}); "
        f"nazorg nu gepland op {days(3):%d-%m-%Y}"
    )
    assert "Hond" not in event.reason  # the agreement's text is personal data
    # Later again: the other agreement is now the earliest.
    agreement_set_review_date(agreement=second, review_on=days(200), actor=coordinator, expected_review_on=days(3))
    case.refresh_from_db()
    assert case.follow_up_due_on == scheduled


def test_the_same_date_again_changes_nothing(followed, coordinator):
    case, (first, _second) = followed
    agreement_set_review_date(
        agreement=first, review_on=first.review_on, actor=coordinator, expected_review_on=first.review_on
    )
    assert events(case, EventKind.AGREEMENT_REVIEW_CHANGED) == []


@pytest.mark.parametrize(
    ("review_on", "message"),
    [
        (None, "Kies de datum waarop de afspraak geëvalueerd wordt."),
        ("before", "De evaluatiedatum kan niet vóór de dag van de afspraak liggen"),
        ("far", "Kies een evaluatiedatum binnen twee jaar"),
    ],
)
def test_a_review_date_before_the_agreement_or_absurdly_far_is_refused(case, coordinator, review_on, message):
    case, (first, _second) = to_follow_up(case, coordinator, held_on=days(-10))
    review_on = {"before": days(-11), "far": days(2 * 365 + 1)}.get(review_on, review_on)
    with pytest.raises(ValidationError) as refused:
        agreement_set_review_date(
            agreement=first, review_on=review_on, actor=coordinator, expected_review_on=first.review_on
        )
    assert message in refused.value.message_dict["review_on"][0]
    before = first.review_on
    first.refresh_from_db()
    assert first.review_on == before
    assert events(case, EventKind.AGREEMENT_REVIEW_CHANGED) == []


def test_the_day_of_the_agreement_and_two_years_ahead_are_allowed(case, coordinator):
    case, (first, _second) = to_follow_up(case, coordinator, held_on=days(-10))
    agreement_set_review_date(
        agreement=first, review_on=days(-10), actor=coordinator, expected_review_on=first.review_on
    )
    agreement_set_review_date(agreement=first, review_on=days(2 * 365), actor=coordinator, expected_review_on=days(-10))
    first.refresh_from_db()
    assert first.review_on == days(2 * 365)


def test_a_stale_page_overwrites_no_one_elses_review_date(followed, coordinator):
    case, (first, _second) = followed
    shown = first.review_on
    agreement_set_review_date(agreement=first, review_on=days(5), actor=coordinator, expected_review_on=shown)
    with pytest.raises(ValidationError) as refused:
        agreement_set_review_date(agreement=first, review_on=days(9), actor=coordinator, expected_review_on=shown)
    assert "Iemand anders heeft de evaluatiedatum van deze afspraak intussen gewijzigd" in refused.value.messages[0]
    first.refresh_from_db()
    assert first.review_on == days(5)


def test_an_ended_case_keeps_its_review_dates(followed, coordinator):
    case, (first, _second) = followed
    close(case, coordinator)
    with pytest.raises(ValidationError) as refused:
        agreement_set_review_date(
            agreement=first, review_on=days(5), actor=coordinator, expected_review_on=first.review_on
        )
    assert "Deze zaak is afgesloten" in refused.value.messages[0]


def test_a_case_whose_follow_up_is_done_gets_no_new_follow_up_date(followed, coordinator):
    case, (first, _second) = followed
    # The follow-up call without new agreements: the follow-up is done (conversation_log).
    conversation_log(case=case, actor=coordinator, kind=ConversationKind.FOLLOW_UP_CALL, held_on=TODAY())
    agreement_set_review_date(agreement=first, review_on=days(3), actor=coordinator, expected_review_on=first.review_on)
    case.refresh_from_db()
    assert case.follow_up_due_on is None
    assert "nazorg" not in events(case, EventKind.AGREEMENT_REVIEW_CHANGED)[0].reason


# --- Judgements -----------------------------------------------------------------------------


def test_judging_at_follow_up_records_the_judgement_and_its_day(followed, coordinator):
    case, (first, second) = followed
    agreement_set_review_date(agreement=first, review_on=days(1), actor=coordinator, expected_review_on=first.review_on)
    agreement_judge(agreement=first, kept=AgreementKept.PARTLY, actor=coordinator, expected_kept="")
    first.refresh_from_db()
    case.refresh_from_db()
    assert (first.kept, first.kept_judged_on) == (AgreementKept.PARTLY, TODAY())
    # The follow-up date moves on to the agreement still open.
    assert case.follow_up_due_on == second.review_on
    (event,) = events(case, EventKind.AGREEMENT_JUDGED)
    assert event.reason == f"Afspraak 1 van 2: deels nagekomen; nazorg nu gepland op {second.review_on:%d-%m-%Y}"
    assert "muziek" not in event.reason
    # The last one judged: the follow-up is done.
    agreement_judge(agreement=second, kept=AgreementKept.KEPT, actor=coordinator)
    case.refresh_from_db()
    assert case.follow_up_due_on is None
    assert events(case, EventKind.AGREEMENT_JUDGED)[1].reason == (
        "Afspraak 2 van 2: nagekomen; alle afspraken beoordeeld, nazorg afgerond"
    )


def test_a_judgement_may_be_corrected_and_the_same_one_again_changes_nothing(followed, coordinator):
    case, (first, _second) = followed
    agreement_judge(
        agreement=first, kept=AgreementKept.NOT_KEPT, actor=coordinator, at=timezone.now() - dt.timedelta(days=3)
    )
    first.refresh_from_db()
    assert first.kept_judged_on == days(-3)
    agreement_judge(agreement=first, kept=AgreementKept.KEPT, actor=coordinator, expected_kept=AgreementKept.NOT_KEPT)
    agreement_judge(agreement=first, kept=AgreementKept.KEPT, actor=coordinator)
    first.refresh_from_db()
    assert (first.kept, first.kept_judged_on) == (AgreementKept.KEPT, TODAY())
    assert len(events(case, EventKind.AGREEMENT_JUDGED)) == 2


@pytest.mark.parametrize("kept", ["", "maybe", None, "KEPT"])
def test_a_judgement_must_be_one_of_the_three(followed, coordinator, kept):
    _case, (first, _second) = followed
    with pytest.raises(ValidationError) as refused:
        agreement_judge(agreement=first, kept=kept, actor=coordinator)
    assert refused.value.message_dict["kept"] == [
        "Kies of de afspraak is nagekomen, deels nagekomen of niet nagekomen."
    ]


def test_a_stale_page_overwrites_no_one_elses_judgement(followed, coordinator):
    _case, (first, _second) = followed
    agreement_judge(agreement=first, kept=AgreementKept.KEPT, actor=coordinator, expected_kept="")
    with pytest.raises(ValidationError) as refused:
        agreement_judge(agreement=first, kept=AgreementKept.NOT_KEPT, actor=coordinator, expected_kept="")
    assert refused.value.messages == [
        "Iemand anders heeft deze afspraak intussen beoordeeld (nu: nagekomen). Bekijk de zaak opnieuw."
    ]
    first.refresh_from_db()
    assert first.kept == AgreementKept.KEPT


def test_judging_waits_for_mediation_and_ends_with_the_case(followed, coordinator):
    case, (first, _second) = followed
    case = case_transition(
        case=case, to_status=CaseStatus.IN_MEDIATION, actor=coordinator, reason="Afspraken hielden niet"
    )
    agreement_judge(agreement=first, kept=AgreementKept.NOT_KEPT, actor=coordinator)  # in mediation: fine
    case = case_transition(
        case=case, to_status=CaseStatus.STANDBY, actor=coordinator, reason="Voortraject", review_on=days(30)
    )
    with pytest.raises(ValidationError) as refused:
        agreement_judge(agreement=first, kept=AgreementKept.KEPT, actor=coordinator)
    assert (
        "Deze zaak is standby (voortraject): afspraken worden beoordeeld in bemiddeling of bij nazorg"
        in (refused.value.messages[0])
    )
    case = case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    for status in (CaseStatus.SUITABLE, CaseStatus.IN_MEDIATION):
        case = case_transition(case=case, to_status=status, actor=coordinator)
    close(case, coordinator)
    with pytest.raises(ValidationError) as refused:
        agreement_judge(agreement=first, kept=AgreementKept.KEPT, actor=coordinator)
    assert refused.value.messages[0].startswith("Deze zaak is afgesloten:")
    first.refresh_from_db()
    assert first.kept == AgreementKept.NOT_KEPT


# --- The pages ------------------------------------------------------------------------------


def review_url(case, agreement):
    return reverse("cases:agreement_review", args=[case.reference, agreement.pk])


def judge_url(case, agreement):
    return reverse("cases:agreement_judge", args=[case.reference, agreement.pk])


def test_the_case_page_shows_each_agreement_with_its_own_forms(followed, login, coordinator):
    case, (first, second) = followed
    agreement_judge(agreement=first, kept=AgreementKept.KEPT, actor=coordinator)
    html = login(coordinator).get(case.get_absolute_url()).text
    assert "Afspraak 1 van 2" in html and "Afspraak 2 van 2" in html
    for agreement in (first, second):
        assert f'action="{review_url(case, agreement)}"' in html
        assert f'action="{judge_url(case, agreement)}"' in html
        assert re.search(rf'<label\s+for="id_agreement-{agreement.pk}-review_on"', html)
        assert re.search(rf'<label\s+for="id_agreement-{agreement.pk}-kept"', html)
    ids = re.findall(r'id="(id_agreement-[^"]+)"', html)
    assert len(ids) == len(set(ids)) == 8  # two dates, two selects and their hidden fields
    assert f'data-agreement-kept="{first.pk}">Nagekomen<' in html
    assert f'data-agreement-kept="{second.pk}">Nog niet beoordeeld<' in html


def test_a_closed_case_shows_its_agreements_without_forms(followed, login, coordinator):
    case, (first, _second) = followed
    agreement_judge(agreement=first, kept=AgreementKept.PARTLY, actor=coordinator)
    close(case, coordinator)
    html = login(coordinator).get(case.get_absolute_url()).text
    assert "Deels nagekomen" in html and "Heropen de zaak" in html
    assert review_url(case, first) not in html and judge_url(case, first) not in html


def test_the_mediator_sees_the_judgement_but_cannot_judge(followed, login, coordinator, mediator, mediator_user):
    from cases.services import mediator_assign

    case, (first, _second) = followed
    mediator_assign(case=case, mediator=mediator, actor=coordinator)
    agreement_judge(agreement=first, kept=AgreementKept.NOT_KEPT, actor=coordinator)
    client = login(mediator_user)
    html = client.get(case.get_absolute_url()).text
    assert f'data-agreement-kept="{first.pk}">· Niet nagekomen' in html
    assert "/afspraken/" not in html
    assert client.post(judge_url(case, first), {f"agreement-{first.pk}-kept": "kept"}).status_code == 403


def test_a_new_review_date_through_the_page(followed, login, coordinator):
    case, (first, _second) = followed
    prefix = f"agreement-{first.pk}"
    response = login(coordinator).post(
        review_url(case, first),
        {f"{prefix}-review_on": days(4).isoformat(), f"{prefix}-expected_review_on": first.review_on.isoformat()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert f"De afspraak wordt geëvalueerd op {days(4):%d-%m-%Y}." in response.text
    first.refresh_from_db()
    assert first.review_on == days(4)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1999-01-01", "De evaluatiedatum kan niet vóór de dag van de afspraak liggen"),
        ("2999-01-01", "Kies een evaluatiedatum binnen twee jaar"),
        ("morgen", "Vul een geldige datum in"),
        ("", "Kies de datum waarop de afspraak geëvalueerd wordt."),
    ],
)
def test_a_refused_review_date_is_shown_at_its_agreement_with_the_typed_value(
    followed, login, coordinator, typed, message
):
    case, (first, second) = followed
    prefix = f"agreement-{second.pk}"
    before = CaseEvent.objects.count()
    response = login(coordinator).post(
        review_url(case, second),
        {f"{prefix}-review_on": typed, f"{prefix}-expected_review_on": second.review_on.isoformat()},
    )
    assert response.status_code == 200
    html = response.text
    field = re.search(rf'<input[^>]*name="{prefix}-review_on"[^>]*>', html).group(0)
    # A date is kept as typed; what is no date (only a hand-made post sends one) is not echoed.
    assert f'value="{typed}"' in field if typed[:1].isdigit() else "value=" not in field
    assert "is-invalid" in field
    # The error is in the second agreement's form, not the first one's.
    second_card = html[html.index(f'id="agreement-{second.pk}"') :]
    assert message in second_card
    first_card = html[html.index(f'id="agreement-{first.pk}"') : html.index(f'id="agreement-{second.pk}"')]
    assert message not in first_card
    second.refresh_from_db()
    assert second.review_on == first.review_on  # unchanged
    assert CaseEvent.objects.count() == before


def test_a_stale_review_date_is_explained_at_the_agreement(followed, login, coordinator):
    case, (first, _second) = followed
    prefix = f"agreement-{first.pk}"
    response = login(coordinator).post(
        review_url(case, first),
        {f"{prefix}-review_on": days(4).isoformat(), f"{prefix}-expected_review_on": days(1).isoformat()},
    )
    assert response.status_code == 200
    assert "Iemand anders heeft de evaluatiedatum van deze afspraak intussen gewijzigd" in response.text
    first.refresh_from_db()
    assert first.review_on != days(4)


def test_judging_through_the_page_and_a_refusal_at_the_agreement(followed, login, coordinator):
    case, (first, _second) = followed
    prefix = f"agreement-{first.pk}"
    client = login(coordinator)
    response = client.post(judge_url(case, first), {f"{prefix}-kept": "perhaps", f"{prefix}-expected_kept": ""})
    assert response.status_code == 200
    assert "Kies of de afspraak is nagekomen, deels nagekomen of niet nagekomen." in response.text
    first.refresh_from_db()
    assert first.kept == AgreementKept.NOT_JUDGED
    response = client.post(judge_url(case, first), {f"{prefix}-kept": "kept", f"{prefix}-expected_kept": ""})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.kept, first.kept_judged_on) == (AgreementKept.KEPT, TODAY())
    # The same page again (it still showed "not judged"): refused, the judgement stays.
    response = client.post(judge_url(case, first), {f"{prefix}-kept": "not_kept", f"{prefix}-expected_kept": ""})
    assert response.status_code == 200
    assert "Iemand anders heeft deze afspraak intussen beoordeeld (nu: nagekomen)." in response.text
    select = re.search(rf'<select[^>]*name="{prefix}-kept".*?</select>', response.text, re.S).group(0)
    assert '<option value="not_kept" selected>' in select  # what they chose stays chosen
    first.refresh_from_db()
    assert first.kept == AgreementKept.KEPT


def test_judging_a_closed_case_through_the_page_is_refused_at_the_agreement(followed, login, coordinator):
    case, (first, _second) = followed
    close(case, coordinator)
    prefix = f"agreement-{first.pk}"
    response = login(coordinator).post(
        judge_url(case, first), {f"{prefix}-kept": "kept", f"{prefix}-expected_kept": ""}
    )
    assert response.status_code == 200
    assert "Deze zaak is afgesloten: afspraken worden beoordeeld in bemiddeling of bij nazorg" in response.text
    first.refresh_from_db()
    assert first.kept == AgreementKept.NOT_JUDGED


def test_an_agreement_of_another_case_or_service_is_not_found(
    followed, make_case, login, coordinator, other_service, other_coordinator
):
    case, (first, _second) = followed
    other_case, (elsewhere, _) = to_follow_up(make_case(), coordinator)
    foreign_case, (foreign, _) = to_follow_up(
        make_case(service=other_service, actor=other_coordinator), other_coordinator
    )
    client = login(coordinator)
    for agreement in (elsewhere, foreign):
        prefix = f"agreement-{agreement.pk}"
        data = {f"{prefix}-kept": "kept", f"{prefix}-expected_kept": "", f"{prefix}-review_on": days(3).isoformat()}
        assert client.post(judge_url(case, agreement), data).status_code == 404
        assert client.post(review_url(case, agreement), data).status_code == 404
    # Their own case's page is not theirs to see either.
    assert client.post(judge_url(foreign_case, foreign), {}).status_code == 404
    assert not Agreement.objects.exclude(kept="").exists()
    assert not CaseEvent.objects.filter(
        kind__in=[EventKind.AGREEMENT_JUDGED, EventKind.AGREEMENT_REVIEW_CHANGED]
    ).exists()
    assert other_case.pk != case.pk


def page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_case_page_takes_as_many_queries_with_one_agreement_as_with_eight(make_case, login, coordinator):
    client = login(coordinator)
    one, (agreement,) = to_follow_up(make_case(), coordinator, texts=["Eén afspraak"])
    eight, agreements = to_follow_up(make_case(), coordinator, texts=[f"Afspraak {i}" for i in range(8)])
    for judged in (agreement, agreements[0]):
        agreement_judge(agreement=judged, kept=AgreementKept.KEPT, actor=coordinator)
    page_queries(client, one)  # warm the per-request caches alike
    assert page_queries(client, one) == page_queries(client, eight)


# --- Anything posted ------------------------------------------------------------------------

NASTY = st.one_of(
    st.text(max_size=40),
    st.dates().map(dt.date.isoformat),
    st.sampled_from(
        ["\x00", "x" * 3000, "2026-02-30", "0001-01-01", "9999-12-31", "kept", "partly", "not_kept", "", "-1"]
    ),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FIELDS = ["review_on", "expected_review_on", "kept", "expected_kept"]


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, NASTY)), judge=st.booleans())
def test_anything_posted_to_the_agreement_forms_is_a_page_or_a_redirect(data, judge, login, coordinator, followed):
    case, (first, _second) = followed
    first.refresh_from_db()
    before = (first.review_on, first.kept, first.kept_judged_on)
    events_before = CaseEvent.objects.count()
    prefix = f"agreement-{first.pk}"
    url = judge_url(case, first) if judge else review_url(case, first)
    response = login(coordinator).post(url, {f"{prefix}-{name}": value for name, value in data.items()})
    assert response.status_code in (200, 302)
    first.refresh_from_db()
    after = (first.review_on, first.kept, first.kept_judged_on)
    if response.status_code == 200:
        assert after == before and CaseEvent.objects.count() == events_before
    elif after != before:
        assert first.kept in AgreementKept.values
        assert first.conversation.held_on <= first.review_on <= days(2 * 365)
        assert CaseEvent.objects.count() == events_before + 1
