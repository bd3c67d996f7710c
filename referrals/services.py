"""Referral writes: the consent-gated handover, confirmation, withdrawal and milestone e-mails."""

import logging
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbemiddeling.models import User
from buurtbemiddeling.roles import PERM_COORDINATE
from cases import timeline
from cases.constants import CaseStatus, Channel, EventKind, Side
from cases.models import Case, ConflictType
from cases.services import case_create, case_delete
from organisations.models import ContactPerson, PartnerOrganisation

from . import milestones, tasks
from .models import Referral, ReferralConsent

logger = logging.getLogger(__name__)

# How a professional's referral reaches the coordinator when not on the online form.
OFFLINE_CHANNELS = (Channel.PHONE, Channel.DESK, Channel.EMAIL, Channel.LETTER)

# Fields that identify a person; they may only travel with that person's consent.
IDENTIFYING_FIELDS = ("name", "phone", "email")
# What may be passed for a party without consent: enough to approach them, no more.
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")


def _check_party(index: int, party: dict) -> dict:
    """One party of a referral: refuse identifying data without a recorded consent."""
    consent = party.get("consent")
    details = party.get("details", {})
    errors = {}
    if consent is None:
        leaked = [name for name in IDENTIFYING_FIELDS if details.get(name)]
        if leaked:
            errors[f"party{index}"] = _(
                "Van een partij zonder toestemming mag u alleen het adres doorgeven, "
                "geen naam, telefoonnummer of e-mailadres."
            )
        extra = [name for name, value in details.items() if value and name not in ADDRESS_FIELDS + ("side",)]
        if extra and not leaked:
            errors[f"party{index}"] = _("Van een partij zonder toestemming mag u alleen het adres doorgeven.")
    else:
        for key in ("agreed_by", "agreed_on", "method"):
            if not consent.get(key):
                errors[f"party{index}"] = _("Vul in wie toestemming gaf, wanneer en hoe.")
        agreed_on = consent.get("agreed_on")
        if agreed_on and agreed_on > timezone.localdate():
            errors[f"party{index}"] = _("De datum van de toestemming kan niet in de toekomst liggen.")
    return errors


def _check_parties(parties: list[dict]) -> None:
    """The consent gate, for every way a referral comes in: nothing is stored when it refuses."""
    errors = {}
    side_a = [p for p in parties if p.get("side") == Side.A]
    if not side_a or side_a[0].get("consent") is None:
        errors["party0"] = _(
            "Verwijzen kan pas als de bewoner die u verwijst toestemming gaf. "
            "Nog geen toestemming? Adviseer de bewoner zelf contact op te nemen."
        )
    for index, party in enumerate(parties):
        for key, message in _check_party(index, party).items():
            errors.setdefault(key, message)
    if errors:
        raise ValidationError(errors)


def _refer(
    *,
    organisation: PartnerOrganisation,
    actor: User,
    channel: str,
    parties: list[dict],
    own_reference: str,
    description: str,
    conflict_types: Iterable[ConflictType],
    **who: object,
) -> Referral:
    case = case_create(
        service=organisation.service,
        actor=actor,
        channel=channel,
        referrer_organisation=organisation,
        parties=[{**party["details"], "side": party["side"], "is_reporter": False} for party in parties],
        description=description,
        conflict_types=conflict_types,
    )
    referral = Referral.objects.create(
        service=organisation.service,
        case=case,
        organisation=organisation,
        own_reference=own_reference,
        last_notified_milestone=milestones.RECEIVED,
        **who,
    )
    case_parties = list(case.parties.order_by("id"))
    for party, stored in zip(parties, case_parties, strict=True):
        if party.get("consent"):
            consent = ReferralConsent(referral=referral, party=stored, **party["consent"])
            consent.full_clean()
            consent.save()
    return referral


@transaction.atomic
def referral_submit(
    *,
    referrer: User,
    parties: list[dict],
    own_reference: str = "",
    description: str = "",
    conflict_types: Iterable[ConflictType] = (),
) -> Referral:
    """Hand a case over to the referrer's mediation service.

    `parties`: dicts with "side", "details" (Party fields) and "consent" (None, or a dict
    with agreed_by, agreed_on, method). The first party of side A is the resident being
    referred and must have consented. Nothing is stored when anything is refused.
    """
    organisation = referrer.partner_organisation
    if organisation is None or not referrer.has_perm("referrals.submit_referral"):
        raise ValidationError(_("Alleen verwijzers van een partnerorganisatie kunnen verwijzen."))
    _check_parties(parties)
    return _refer(
        organisation=organisation,
        actor=referrer,
        channel=Channel.REFERRAL,
        parties=parties,
        own_reference=own_reference,
        description=description,
        conflict_types=conflict_types,
        referrer=referrer,
    )


@transaction.atomic
def referral_register(
    *,
    coordinator: User,
    contact_person: ContactPerson,
    parties: list[dict],
    channel: str = Channel.PHONE,
    own_reference: str = "",
    description: str = "",
    conflict_types: Iterable[ConflictType] = (),
) -> Referral:
    """A professional phoned (or came by): the coordinator registers the referral for them.

    The same consent gate as the online form (`_check_parties`); the contact person hears
    the same milestones by e-mail. Nothing is stored when anything is refused.
    """
    organisation = contact_person.organisation
    if not coordinator.has_perm(PERM_COORDINATE) or organisation.service_id != coordinator.service_id:
        raise ValidationError({"contact_person": _("Kies een contactpersoon van een eigen partnerorganisatie.")})
    if not (organisation.is_active and contact_person.is_active):
        raise ValidationError({"contact_person": _("Deze contactpersoon of organisatie is niet actief.")})
    if channel not in OFFLINE_CHANNELS:
        raise ValidationError({"channel": _("Kies hoe de verwijzing binnenkwam.")})
    _check_parties(parties)
    return _refer(
        organisation=organisation,
        actor=coordinator,
        channel=channel,
        parties=parties,
        own_reference=own_reference,
        description=description,
        conflict_types=conflict_types,
        contact_person=contact_person,
        registered_by=coordinator,
    )


@transaction.atomic
def referral_confirm(*, referral: Referral, actor: User) -> Referral:
    """At first contact the coordinator confirms the resident knows of the referral."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.withdrawn_at is not None:
        raise ValidationError(_("Deze verwijzing is al ingetrokken."))
    referral.confirmed_at = timezone.now()
    referral.confirmed_by = actor
    referral.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    timeline.record(
        case=referral.case,
        kind=EventKind.NOTE,
        actor=actor,
        reason=_("Bewoner bevestigt dat hij/zij van de verwijzing weet."),
    )
    return referral


WITHDRAWABLE = {CaseStatus.REGISTERED, CaseStatus.INTAKE}


@transaction.atomic
def referral_withdraw(*, referral: Referral, actor: User | AnonymousUser | None) -> Referral:
    """The resident denies having agreed: erase what was passed on; the referrer hears "ingetrokken".

    The case, its parties and timeline are deleted; the referral row stays without any
    personal data so the referrer's list still shows it, withdrawn.
    """
    referral = Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
    if referral.withdrawn_at is not None:
        return referral
    case = referral.case
    if case is not None:
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in WITHDRAWABLE:
            raise ValidationError(
                _("Een verwijzing kan alleen bij het eerste contact of de intake worden ingetrokken.")
            )
        referral.consents.all().delete()
        referral.case = None
        referral.withdrawn_at = timezone.now()
        referral.save(update_fields=["case", "withdrawn_at", "updated_at"])
        case_delete(case=case, actor=actor)
    logger.info("referral %s withdrawn by user %s", referral.pk, getattr(actor, "pk", None))
    tasks.notify_referrer.enqueue(referral_id=referral.pk)
    return referral
