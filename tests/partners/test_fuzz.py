"""Nothing typed into a partner or collaboration form, or into the figures filters, causes an error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisations.models import PartnerOrganisation
from partners import forms as partner_forms

NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=8),
    st.sampled_from(["\x00", "x" * 5000, "2026-02-30", "-1", "9223372036854775808", "٣", "\u202e", "yes", "on"]),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CASE_FORMS = {
    "partners:consent_record": partner_forms.DisclosureConsentForm,
    "partners:trajectory_start": partner_forms.PreTrajectoryStartForm,
    "partners:accompaniment_start": partner_forms.AccompanimentForm,
    "partners:case_joint_visit": partner_forms.CaseJointVisitForm,
}
PARTNER_FORMS = {
    "partners:contact_add": partner_forms.ContactPersonForm,
    "partners:agreement_add": partner_forms.WorkingAgreementForm,
    "partners:consultation_add": partner_forms.ConsultationForm,
    "partners:joint_visit_add": partner_forms.JointVisitForm,
}


def payloads(form_class):
    return st.fixed_dictionaries({}, optional=dict.fromkeys(form_class.base_fields, NASTY))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASE_FORMS))
def test_case_panel_forms_never_error(name, login, coordinator, make_case):
    case = make_case(channel="self_report")
    client = login(coordinator)

    @FUZZ
    @given(data=payloads(CASE_FORMS[name]))
    def check(data):
        response = client.post(reverse(name, args=[case.reference]), data)
        assert response.status_code in (200, 302)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PARTNER_FORMS))
def test_partner_page_forms_never_error(name, login, coordinator, partner):
    client = login(coordinator)

    @FUZZ
    @given(data=payloads(PARTNER_FORMS[name]))
    def check(data):
        before = PartnerOrganisation.objects.count()
        response = client.post(reverse(name, args=[partner.pk]), data)
        assert response.status_code in (200, 302)
        assert PartnerOrganisation.objects.count() == before

    check()


@pytest.mark.django_db
def test_the_partner_form_never_errors(login, coordinator):
    client = login(coordinator)

    @FUZZ
    @given(data=payloads(partner_forms.PartnerForm))
    def check(data):
        assert client.post(reverse("partners:create"), data).status_code in (200, 302)

    check()


@pytest.mark.django_db
def test_the_figures_filters_never_error(login, coordinator, case):
    client = login(coordinator)

    @FUZZ
    @given(
        query=st.dictionaries(
            st.sampled_from(["period", "year", "quarter", "start", "end", "municipality"]), NASTY, max_size=4
        )
    )
    def check(query):
        for name in ("figures:overview",):
            assert client.get(reverse(name), query).status_code in (200, 302)
        # An export with filters it cannot use answers 400 with a message; never a 500.
        assert client.get(reverse("figures:export", args=["csv"]), query).status_code in (200, 302, 400)

    check()
