"""Nothing a coordinator or mediator types can cause a server error (hypothesis).

Every POST form of the case pages gets arbitrary text, NUL bytes, control characters, odd
Unicode and overlong strings in every field. The answer is always a page or a redirect,
never a 500, and a refused form stores nothing.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, CaseEvent, Conversation, Party

NASTY = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    st.sampled_from(["\x00", "x" * 6000, "2026-02-30", "-1", "99999999999999999999", "٣٤٥", "\u202e", "' OR 1=1 --"]),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

REGISTER_FIELDS = [
    "channel",
    "reported_on",
    "referrer_organisation",
    "conflict_types",
    "description",
    "tried_already",
    "neighbourhood",
    "is_complex",
    "is_urgent",
    "confirm_repeat",
    "a-name",
    "a-street",
    "a-house_number",
    "a-postcode",
    "a-city",
    "a-phone",
    "a-email",
    "a-preferred_contact",
    "a-tenure",
    "a-housing_corporation",
    "b-name",
    "b-postcode",
    "b-phone",
]
CONVERSATION_FIELDS = [
    "kind",
    "held_on",
    "duration_minutes",
    "mediators",
    "parties",
    "care_worker",
    "report",
    "agreements",
]
TRANSITION_FIELDS = ["to_status", "expected_status", "reason", "unsuitability_reason", "advice", "review_on", "outcome"]


def counts():
    return (Case.objects.count(), Party.objects.count(), Conversation.objects.count(), CaseEvent.objects.count())


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(REGISTER_FIELDS, NASTY)))
def test_registering_never_errors(data, login, coordinator):
    before = counts()
    response = login(coordinator).post(reverse("cases:create"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert counts() == before


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(CONVERSATION_FIELDS, NASTY)))
def test_logging_a_conversation_never_errors(data, login, coordinator, case):
    before = counts()
    response = login(coordinator).post(reverse("cases:log_conversation", args=[case.reference]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert counts() == before


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(TRANSITION_FIELDS, NASTY)))
def test_status_steps_never_error(data, login, coordinator, case):
    response = login(coordinator).post(reverse("cases:transition", args=[case.reference]), data)
    assert response.status_code in (200, 302)


@pytest.mark.django_db
@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "status",
                "neighbourhood",
                "mediator",
                "sort",
                "after",
                "before",
                "reported_from",
                "conflict_type",
                "channel",
            ]
        ),
        NASTY,
        max_size=4,
    ),
    search=NASTY,
)
def test_the_case_list_never_errors(query, search, login, coordinator, case):
    client = login(coordinator)
    client.post(reverse("cases:list"), {"q": search})
    response = client.get(reverse("cases:list"), query)
    assert response.status_code == 200


REFERRAL_FIELDS = [
    "resident",
    "neighbour",
    "ca-agreed_by",
    "ca-agreed_on",
    "ca-method",
    "cb-agreed_by",
    "cb-agreed_on",
    "a-name",
    "a-phone",
    "a-email",
    "a-street",
    "a-house_number",
    "a-postcode",
    "a-city",
    "b-name",
    "b-phone",
    "b-street",
    "b-house_number",
    "b-postcode",
    "own_reference",
    "description",
    "conflict_types",
]


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(REFERRAL_FIELDS, NASTY)))
def test_the_referral_form_never_errors(data, login, referrer):
    from referrals.models import Referral

    before = counts(), Referral.objects.count()
    response = login(referrer).post(reverse("referrals:create"), data)
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert (counts(), Referral.objects.count()) == before
