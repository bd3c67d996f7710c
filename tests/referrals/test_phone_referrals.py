"""A professional phones to refer: the coordinator registers it behind the same consent gate
as the online form, and the professional (a contact person) hears the same milestones."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.constants import CaseStatus, Channel
from cases.models import Case, Party
from cases.services import case_transition
from organisations.factories import ContactPersonFactory
from referrals.models import Referral, ReferralConsent

TODAY = timezone.localdate()
URL = reverse("referrals:register")


@pytest.fixture
def contact(partner):
    return ContactPersonFactory(organisation=partner, name="Wijkagent Wim", email="wim@politie.example")


def phone_data(contact, **overrides):
    data = {
        "resident": "yes",
        "neighbour": "not_yet",
        "contact_person": contact.pk,
        "channel": Channel.PHONE,
        "ca-agreed_by": "Ayla Bos",
        "ca-agreed_on": TODAY.isoformat(),
        "ca-method": "spoken",
        "a-name": "Ayla Bos",
        "a-phone": "0612345678",
        "a-street": "Lindelaan",
        "a-house_number": "3",
        "a-postcode": "7511 AB",
        "b-street": "Lindelaan",
        "b-house_number": "5",
        "b-postcode": "7511 AB",
        "description": "Ruzie over de heg.",
        "own_reference": "PV-2026-12",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_with_consent_the_referral_is_registered_for_the_contact_person(login, coordinator, contact, partner):
    client = login(coordinator)
    assert "Weet de bewoner" in client.get(URL).text  # the gate comes first
    response = client.post(URL, phone_data(contact))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    referral = Referral.objects.get()
    assert (referral.contact_person, referral.referrer, referral.registered_by) == (contact, None, coordinator)
    assert (case.channel, case.referrer_organisation, case.is_self_report) == (Channel.PHONE, partner, False)
    consent = ReferralConsent.objects.get()
    assert (consent.agreed_by, consent.party.side) == ("Ayla Bos", "A")
    page = client.get(case.get_absolute_url()).text
    assert "Wijkagent Wim" in page and "Toestemming van Ayla Bos" in page


def test_without_consent_nothing_identifying_is_stored(login, coordinator, contact):
    client = login(coordinator)
    page = client.get(URL, {"resident": "not_yet", "neighbour": "not_yet"}).text
    assert "Vraag eerst toestemming" in page
    # A raw post that skips the gate, or leaves out who agreed, stores nothing.
    assert client.post(URL, phone_data(contact, resident="not_yet")).status_code == 400
    response = client.post(URL, phone_data(contact, **{"ca-agreed_by": ""}))
    assert response.status_code == 200 and "Wie gaf toestemming?" in response.text
    # The neighbour without consent: a name is refused.
    response = client.post(URL, phone_data(contact, **{"b-name": "Bert Buur"}))
    assert "alleen het adres" in response.text
    assert not Case.objects.exists() and not Party.objects.exists() and not Referral.objects.exists()


def test_a_contact_person_of_another_service_is_refused_at_the_field(login, coordinator, other_service):
    from organisations.factories import PartnerOrganisationFactory

    foreign = ContactPersonFactory(organisation=PartnerOrganisationFactory(service=other_service, name="Elders"))
    response = login(coordinator).post(URL, phone_data(foreign))
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.text or "Kies" in response.text
    assert not Case.objects.exists()


def test_the_contact_person_hears_the_milestones_and_nothing_else(
    login, coordinator, contact, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    login(coordinator).post(URL, phone_data(contact))
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
        case = case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    run_tasks()
    (mail,) = [m for m in mailoutbox if "Stand van zaken" in m.subject]
    assert mail.to == ["wim@politie.example"] and "PV-2026-12" in mail.subject
    assert "Opgepakt" in mail.body
    for secret in ("Ayla", "Lindelaan", "heg", case.reference):
        assert secret not in mail.subject + mail.body


def test_only_coordinators_register_phone_referrals(login, referrer, mediator_user, contact):
    assert login(referrer).get(URL).status_code == 403
    assert login(mediator_user).get(URL).status_code == 403
