"""The written definition of the referrer's milestones (referrals/milestones.py), for every
status x judgement x outcome, and the counts on the partner page read the same way."""

import itertools

import pytest
from django.utils import timezone, translation

from cases.constants import CaseStatus
from cases.models import Case, Outcome
from referrals import milestones
from referrals.models import Referral

S = CaseStatus
JUDGEMENTS = (None, True, False)  # not yet judged, suitable, unsuitable
OUTCOMES = (None, "resolved", "not_resolved")


def expected(status, suitable, outcome):
    """The table of the module docstring, line by line."""
    if status == S.CLOSED:
        return milestones.RESOLVED if suitable is True and outcome == "resolved" else milestones.NOT_RESOLVED
    if suitable is False:
        return milestones.UNSUITABLE
    if status in (S.SUITABLE, S.IN_MEDIATION, S.FOLLOW_UP):
        return milestones.PICKED_UP
    if suitable is True:
        return milestones.SUITABLE
    return milestones.RECEIVED


def _case(status, suitable, outcome):
    result = None if outcome is None else Outcome(pk=1, counts_as_resolved=outcome == "resolved")
    return Case(status=status, is_suitable=suitable, outcome=result)


@pytest.mark.parametrize(("status", "suitable", "outcome"), itertools.product(S, JUDGEMENTS, OUTCOMES))
def test_every_status_judgement_and_outcome(status, suitable, outcome):
    referral = Referral(case=_case(status, suitable, outcome), created_at=timezone.now())
    assert milestones.milestones_for(referral).current == expected(status, suitable, outcome)


def test_an_advice_only_close_from_standby_is_never_resolved():
    referral = Referral(case=_case(S.CLOSED, None, "resolved"), created_at=timezone.now())
    assert milestones.milestones_for(referral).current == milestones.NOT_RESOLVED
    with translation.override("nl"):
        assert str(milestones.milestones_for(referral).label) == "Afgesloten: niet opgelost"


def test_a_withdrawn_referral_is_withdrawn_whatever_the_case():
    assert milestones.milestones_for(Referral(case=None, created_at=timezone.now())).current == milestones.WITHDRAWN


@pytest.mark.django_db
@pytest.mark.parametrize(("suitable", "outcome"), itertools.product(JUDGEMENTS, ("resolved", "not_resolved")))
def test_the_count_filters_read_like_the_mapping(suitable, outcome, make_case, service):
    case = make_case()
    # A closed case always has an outcome (a database constraint).
    result = Outcome.objects.filter(service=service, counts_as_resolved=outcome == "resolved").first()
    Case.objects.filter(pk=case.pk).update(
        status=S.CLOSED, is_suitable=suitable, outcome=result, closed_at=timezone.now()
    )
    resolved = Case.objects.filter(milestones.RESOLVED_CASES, pk=case.pk).exists()
    not_resolved = Case.objects.filter(milestones.NOT_RESOLVED_CASES, pk=case.pk).exists()
    wanted = expected(S.CLOSED, suitable, outcome)
    assert (resolved, not_resolved) == (wanted == milestones.RESOLVED, wanted == milestones.NOT_RESOLVED)
