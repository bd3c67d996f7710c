"""The public form says who will not hear of a report, and lets the resident ask that an
organisation may know: a recorded disclosure consent (method: web form), withdrawable."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from buurtbemiddeling.models import RateCounter
from cases.models import Case
from organisations.constants import OrganisationKind
from organisations.factories import PartnerOrganisationFactory
from partners import services
from partners.constants import DisclosureMethod
from partners.models import Accompaniment, DisclosureConsent

from .test_selfreport import REPORT, field_error, submit_report, to_report_step


@pytest.fixture(autouse=True)
def _empty_cache(db):
    from django.core.cache import cache

    cache.clear()
    RateCounter.objects.all().delete()  # the rate limit counts in the database


@pytest.fixture
def organisations(service):
    return {
        "corporation": PartnerOrganisationFactory(
            service=service, name="Woonstichting Aland", kind=OrganisationKind.HOUSING_CORPORATION
        ),
        "police": PartnerOrganisationFactory(service=service, name="Politie Aland", kind=OrganisationKind.POLICE),
        "inactive": PartnerOrganisationFactory(
            service=service, name="Oude Woningbouw", kind=OrganisationKind.HOUSING_CORPORATION, is_active=False
        ),
    }


def test_the_form_says_plainly_that_no_organisation_hears_of_the_report(client, service, organisations):
    to_report_step(client)
    html = client.get(REPORT).content.decode()
    assert "Wie hoort van uw melding?" in html
    assert "horen niets van uw melding" in html
    assert "Woningcorporatie (Woonstichting Aland)" in html and "Politie (Politie Aland)" in html
    assert "Oude Woningbouw" not in html  # inactive organisations are not offered


def test_without_a_tick_no_organisation_may_know(client, service, organisations, coordinator):
    submit_report(client, service)
    case = Case.objects.get()
    assert not DisclosureConsent.objects.exists()
    with pytest.raises(ValidationError, match="zelfmelder"):
        services.accompaniment_start(
            party=case.parties.get(is_reporter=True),
            organisation=organisations["corporation"],
            actor=coordinator,
            care_worker_name="Petra",
        )


def test_a_tick_records_a_web_form_consent_for_that_kind_only(client, service, organisations, coordinator):
    response = submit_report(client, service, may_know=[OrganisationKind.HOUSING_CORPORATION])
    assert response.status_code == 302
    case = Case.objects.get()
    reporter = case.parties.get(is_reporter=True)
    (consent,) = DisclosureConsent.objects.all()
    assert (consent.party, consent.organisation, consent.method) == (
        reporter,
        organisations["corporation"],
        DisclosureMethod.WEB_FORM,
    )
    assert consent.recorded_by is None and consent.withdrawn_on is None
    # The corporation may now be linked; the police still may not.
    services.accompaniment_start(
        party=reporter, organisation=organisations["corporation"], actor=coordinator, care_worker_name="Petra"
    )
    with pytest.raises(ValidationError, match="zelfmelder"):
        services.joint_visit_record(
            case=case,
            organisation=organisations["police"],
            actor=coordinator,
            professional_name="Agent",
            visited_on=case.reported_on,
            outcome="agrees",
        )


def test_the_coordinator_withdraws_it_on_the_resident_s_request(client, service, organisations, coordinator, login):
    submit_report(client, service, may_know=[OrganisationKind.HOUSING_CORPORATION])
    case = Case.objects.get()
    consent = DisclosureConsent.objects.get()
    html = login(coordinator).get(case.get_absolute_url()).text
    assert "Via het meldformulier" in html
    services.accompaniment_start(
        party=consent.party, organisation=organisations["corporation"], actor=coordinator, care_worker_name="Petra"
    )
    services.disclosure_consent_withdraw(consent=consent, actor=coordinator)
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    # Withdrawing ends the link that depended on it.
    assert Accompaniment.objects.get().ended_on is not None


def test_a_made_up_kind_is_refused_at_the_field_and_nothing_is_stored(client, service, organisations):
    response = submit_report(client, service, may_know=["secret_service"])
    assert response.status_code == 200
    assert "Kies een organisatie uit de lijst." in field_error(response.content.decode(), "may_know")
    assert not Case.objects.exists() and not DisclosureConsent.objects.exists()
    assert "Lindelaan" in response.content.decode()  # the resident's other input is kept


def test_a_service_without_partner_organisations_offers_no_choice(client, service):
    to_report_step(client)
    html = client.get(REPORT).content.decode()
    assert "Wie hoort van uw melding?" in html and 'name="may_know"' not in html
    assert reverse("selfreport:report") == REPORT
