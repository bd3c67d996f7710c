"""Writes for partner organisations and the four ways of working together (domain rule 6).

Keyword-only, validated, atomic. Every service that names a case to a partner organisation
calls `_require_disclosure` first: a self-reported case stays hidden from institutions
unless the resident asked the service to make it known to that organisation (rule 4).
"""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbemiddeling.models import MediationService, User
from cases import timeline
from cases.constants import CaseStatus, EventKind
from cases.models import Case, Conversation, Party
from cases.services import case_transition
from organisations.models import ContactPerson, PartnerOrganisation, WorkingAgreement

from .constants import TrajectoryEnd
from .models import (
    Accompaniment,
    Consultation,
    DisclosureConsent,
    JointVisit,
    PreTrajectory,
    PreTrajectoryParticipation,
)

# --- The disclosure rule (domain rule 4) ----------------------------------------------


def has_disclosure(*, case: Case, organisation: PartnerOrganisation, party: Party | None = None) -> bool:
    """May this case (and this resident, if named) be made known to this organisation?

    Always for cases that did not come from a resident's own report. For a self-report:
    only with an active disclosure consent for the organisation from the reporting
    resident, and, when the link names another resident, from that resident as well.
    """
    if not case.is_self_report:
        return True
    active = DisclosureConsent.objects.filter(party__case=case, organisation=organisation, withdrawn_on__isnull=True)
    if not active.filter(party__is_reporter=True).exists():
        return False
    return party is None or party.is_reporter or active.filter(party=party).exists()


def _require_disclosure(*, case: Case, organisation: PartnerOrganisation, party: Party | None = None) -> None:
    """The one check every link between a case and a partner passes (refuses in Dutch)."""
    if not has_disclosure(case=case, organisation=organisation, party=party):
        raise ValidationError(
            {
                "organisation": _(
                    "Deze zaak komt van een zelfmelder. Koppelen aan %(organisation)s kan pas als de bewoner "
                    "toestemming gaf om de zaak aan deze organisatie bekend te maken. Leg die toestemming eerst "
                    "vast (wie, wanneer en hoe)."
                )
                % {"organisation": organisation.name}
            }
        )


# --- Helpers ---------------------------------------------------------------------------


def _note(*, case: Case, actor: User | AnonymousUser | None, text: str) -> None:
    """A line in the case's timeline (append-only)."""
    timeline.record(case=case, kind=EventKind.NOTE, actor=actor, reason=text[:2000])


def _check_organisation(*, organisation: PartnerOrganisation, service_id: int, field: str = "organisation") -> None:
    if organisation.service_id != service_id:
        raise ValidationError({field: _("Deze partnerorganisatie hoort bij een andere bemiddelingsorganisatie.")})
    if not organisation.is_active:
        raise ValidationError({field: _("%(organisation)s is niet actief.") % {"organisation": organisation.name}})


def _check_not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("Deze datum kan niet in de toekomst liggen.")})


def _actor(actor: User | AnonymousUser | None) -> User | None:
    return actor if getattr(actor, "pk", None) else None


# --- Partner organisations, contact persons, working agreements -----------------------


def _check_unique_name(partner: PartnerOrganisation) -> None:
    clash = PartnerOrganisation.objects.filter(service_id=partner.service_id, name__iexact=partner.name)
    if clash.exclude(pk=partner.pk).exists():
        raise ValidationError({"name": _("Er is al een partnerorganisatie met deze naam.")})


@transaction.atomic
def partner_create(
    *,
    service: MediationService,
    actor: User | AnonymousUser | None,
    name: str,
    kind: str,
    email: str = "",
    phone: str = "",
    is_active: bool = True,
) -> PartnerOrganisation:
    partner = PartnerOrganisation(
        service=service, name=name.strip(), kind=kind, email=email, phone=phone, is_active=is_active
    )
    _check_unique_name(partner)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def partner_update(
    *, partner: PartnerOrganisation, actor: User | AnonymousUser | None, **fields: str | bool
) -> PartnerOrganisation:
    """Change name, kind, e-mail, phone or whether the partner is active."""
    partner = PartnerOrganisation.objects.select_for_update().get(pk=partner.pk)
    allowed = {"name", "kind", "email", "phone", "is_active"}
    for field, value in fields.items():
        if field not in allowed:
            raise TypeError(f"partner_update() got an unexpected field {field!r}")
        setattr(partner, field, value.strip() if isinstance(value, str) else value)
    _check_unique_name(partner)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def contact_person_add(
    *,
    organisation: PartnerOrganisation,
    actor: User | AnonymousUser | None,
    name: str,
    role: str = "",
    phone: str = "",
    email: str = "",
) -> ContactPerson:
    person = ContactPerson(organisation=organisation, name=name.strip(), role=role, phone=phone, email=email)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def working_agreement_add(
    *,
    organisation: PartnerOrganisation,
    actor: User | AnonymousUser | None,
    description: str,
    starts_on: dt.date,
    review_on: dt.date,
) -> WorkingAgreement:
    agreement = WorkingAgreement(
        organisation=organisation, description=description.strip(), starts_on=starts_on, review_on=review_on
    )
    agreement.full_clean()
    agreement.save()
    return agreement


# --- 1. Consultation (never about a case) ---------------------------------------------


@transaction.atomic
def consultation_record(
    *,
    organisation: PartnerOrganisation,
    actor: User | AnonymousUser | None,
    held_on: dt.date,
    professional_name: str,
    topic: str,
    follow_up: str = "",
) -> Consultation:
    """A coordinator advised a partner's professional; no case, no resident."""
    _check_organisation(organisation=organisation, service_id=organisation.service_id)
    _check_not_future(held_on, "held_on")
    consultation = Consultation(
        service_id=organisation.service_id,
        organisation=organisation,
        coordinator=_actor(actor),
        held_on=held_on,
        professional_name=professional_name.strip(),
        topic=topic.strip(),
        follow_up=follow_up.strip(),
    )
    consultation.full_clean()
    consultation.save()
    return consultation


# --- Disclosure consents ---------------------------------------------------------------


@transaction.atomic
def disclosure_consent_record(
    *,
    party: Party,
    organisation: PartnerOrganisation,
    actor: User | AnonymousUser | None,
    given_on: dt.date,
    method: str,
) -> DisclosureConsent:
    """Record that a resident asked the service to make their case known to one organisation."""
    case = party.case
    _check_organisation(organisation=organisation, service_id=case.service_id)
    _check_not_future(given_on, "given_on")
    if DisclosureConsent.objects.filter(party=party, organisation=organisation, withdrawn_on__isnull=True).exists():
        raise ValidationError(
            {"organisation": _("Voor deze bewoner en deze organisatie is al een toestemming vastgelegd.")}
        )
    consent = DisclosureConsent(
        service_id=case.service_id,
        party=party,
        organisation=organisation,
        given_on=given_on,
        method=method,
        recorded_by=_actor(actor),
    )
    consent.full_clean()
    consent.save()
    _note(
        case=case,
        actor=actor,
        text=_("Toestemming vastgelegd om de zaak bekend te maken aan %(organisation)s (%(side)s).")
        % {"organisation": organisation.name, "side": party.get_side_display()},
    )
    return consent


@transaction.atomic
def disclosure_consent_withdraw(
    *, consent: DisclosureConsent, actor: User | AnonymousUser | None, withdrawn_on: dt.date | None = None
) -> DisclosureConsent:
    """The resident withdraws: from now on the links that needed this consent end.

    Active accompaniments and pre-trajectory participation of the organisation on this case
    that no longer pass the disclosure rule end today; a trajectory led by it ends too (the
    case stays on standby with its review date, so it comes back in the work queue).
    Later links are refused again by `_require_disclosure`. Past joint visits stay history.
    """
    consent = (
        DisclosureConsent.objects.select_for_update(of=("self",))
        .select_related("party__case", "organisation")
        .get(pk=consent.pk)
    )
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Deze toestemming is al ingetrokken."))
    today = withdrawn_on or timezone.localdate()
    consent.withdrawn_on = max(today, consent.given_on)
    consent.withdrawn_by = _actor(actor)
    consent.full_clean()
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    case, organisation = consent.party.case, consent.organisation
    ended = []
    for accompaniment in (
        Accompaniment.objects.select_for_update(of=("self",))
        .filter(party__case=case, organisation=organisation, ended_on__isnull=True)
        .select_related("party")
    ):
        if not has_disclosure(case=case, organisation=organisation, party=accompaniment.party):
            accompaniment.ended_on = max(consent.withdrawn_on, accompaniment.started_on)
            accompaniment.save(update_fields=["ended_on", "updated_at"])
            ended.append(_("begeleiding door %(name)s") % {"name": accompaniment.care_worker_name})
    for trajectory in PreTrajectory.objects.select_for_update().filter(case=case, ended_on__isnull=True):
        if not has_disclosure(case=case, organisation=organisation, party=trajectory.party):
            left = trajectory.participations.filter(organisation=organisation, left_on__isnull=True).update(
                left_on=consent.withdrawn_on, updated_at=timezone.now()
            )
            if trajectory.lead_organisation_id == organisation.pk:
                _end_trajectory(trajectory=trajectory, reason=TrajectoryEnd.CONSENT_WITHDRAWN, on=consent.withdrawn_on)
                ended.append(_("voortraject"))
            elif left:
                ended.append(_("deelname aan het voortraject"))
    text = _("Toestemming om de zaak bekend te maken aan %(organisation)s ingetrokken.") % {
        "organisation": organisation.name
    }
    if ended:
        text += " " + _("Beëindigd: %(links)s.") % {"links": ", ".join(ended)}
    _note(case=case, actor=actor, text=text)
    return consent


# --- 2. Pre-trajectory (voortraject) ---------------------------------------------------


def _check_review_on(review_on: dt.date | None) -> None:
    if review_on is None:
        raise ValidationError({"review_on": _("Kies een datum om de zaak opnieuw te bekijken.")})
    if review_on <= timezone.localdate():
        raise ValidationError({"review_on": _("De datum moet in de toekomst liggen.")})


def _end_trajectory(*, trajectory: PreTrajectory, reason: str, on: dt.date) -> None:
    trajectory.ended_on = max(on, trajectory.started_on)
    trajectory.end_reason = reason
    trajectory.full_clean()
    trajectory.save(update_fields=["ended_on", "end_reason", "updated_at"])
    trajectory.participations.filter(left_on__isnull=True).update(
        left_on=trajectory.ended_on, updated_at=timezone.now()
    )


@transaction.atomic
def pre_trajectory_start(
    *,
    case: Case,
    actor: User | AnonymousUser | None,
    lead_organisation: PartnerOrganisation,
    review_on: dt.date,
    organisations: Iterable[PartnerOrganisation] = (),
    party: Party | None = None,
    notes: str = "",
) -> PreTrajectory:
    """Join a multi-agency trajectory: the case goes on standby until `review_on`.

    The status change goes through `cases.services.case_transition` (which checks the
    transition table). A case already on standby stays there, with the trajectory's date.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_review_on(review_on)
    if party is not None and party.case_id != case.pk:
        raise ValidationError({"party": _("Deze bewoner hoort niet bij deze zaak.")})
    if PreTrajectory.objects.filter(case=case, ended_on__isnull=True).exists():
        raise ValidationError(_("Deze zaak heeft al een lopend voortraject."))
    organisations = list(dict.fromkeys([lead_organisation, *organisations]))
    for organisation in organisations:
        field = "lead_organisation" if organisation == lead_organisation else "organisations"
        _check_organisation(organisation=organisation, service_id=case.service_id, field=field)
        try:
            _require_disclosure(case=case, organisation=organisation, party=party)
        except ValidationError as error:
            raise ValidationError({field: error.error_dict["organisation"]}) from None
    today = timezone.localdate()
    trajectory = PreTrajectory(
        service_id=case.service_id,
        case=case,
        party=party,
        lead_organisation=lead_organisation,
        coordinator=_actor(actor),
        started_on=today,
        review_on=review_on,
        notes=notes.strip(),
    )
    trajectory.full_clean()
    trajectory.save()
    for organisation in organisations:
        PreTrajectoryParticipation.objects.create(trajectory=trajectory, organisation=organisation, joined_on=today)
    reason = _("Voortraject onder regie van %(organisation)s.") % {"organisation": lead_organisation.name}
    if case.status == CaseStatus.STANDBY:
        _set_standby_review_on(case=case, review_on=review_on)
        _note(case=case, actor=actor, text=reason)
    else:
        case_transition(case=case, to_status=CaseStatus.STANDBY, actor=actor, reason=reason, review_on=review_on)
    return trajectory


def _set_standby_review_on(*, case: Case, review_on: dt.date) -> None:
    case.standby_review_on = review_on
    case.full_clean()
    case.save(update_fields=["standby_review_on", "updated_at"])


@transaction.atomic
def pre_trajectory_set_review_on(
    *, trajectory: PreTrajectory, actor: User | AnonymousUser | None, review_on: dt.date
) -> PreTrajectory:
    """Move the review date of a running trajectory and of its case's standby, together."""
    trajectory = PreTrajectory.objects.select_for_update().get(pk=trajectory.pk)
    case = Case.objects.select_for_update().get(pk=trajectory.case_id)
    if trajectory.ended_on is not None:
        raise ValidationError(_("Dit voortraject is al beëindigd."))
    _check_review_on(review_on)
    trajectory.review_on = review_on
    trajectory.full_clean()
    trajectory.save(update_fields=["review_on", "updated_at"])
    if case.status == CaseStatus.STANDBY:
        _set_standby_review_on(case=case, review_on=review_on)
    _note(
        case=case,
        actor=actor,
        text=_("Voortraject: opnieuw bekijken op %(date)s.") % {"date": review_on.strftime("%d-%m-%Y")},
    )
    return trajectory


@transaction.atomic
def pre_trajectory_add_organisation(
    *, trajectory: PreTrajectory, actor: User | AnonymousUser | None, organisation: PartnerOrganisation
) -> PreTrajectoryParticipation:
    trajectory = (
        PreTrajectory.objects.select_for_update(of=("self",)).select_related("case", "party").get(pk=trajectory.pk)
    )
    if trajectory.ended_on is not None:
        raise ValidationError(_("Dit voortraject is al beëindigd."))
    _check_organisation(organisation=organisation, service_id=trajectory.service_id)
    if trajectory.participations.filter(organisation=organisation, left_on__isnull=True).exists():
        raise ValidationError({"organisation": _("Deze organisatie doet al mee.")})
    _require_disclosure(case=trajectory.case, organisation=organisation, party=trajectory.party)
    participation = PreTrajectoryParticipation(
        trajectory=trajectory, organisation=organisation, joined_on=timezone.localdate()
    )
    participation.full_clean()
    participation.save()
    _note(
        case=trajectory.case,
        actor=actor,
        text=_("%(organisation)s doet mee aan het voortraject.") % {"organisation": organisation.name},
    )
    return participation


@transaction.atomic
def pre_trajectory_time_is_right(
    *, trajectory: PreTrajectory, actor: User | AnonymousUser | None, reason: str = ""
) -> PreTrajectory:
    """ "The time is right": the trajectory ends and the case goes back into intake."""
    trajectory = PreTrajectory.objects.select_for_update().get(pk=trajectory.pk)
    if trajectory.ended_on is not None:
        raise ValidationError(_("Dit voortraject is al beëindigd."))
    case_transition(
        case=trajectory.case,
        to_status=CaseStatus.INTAKE,
        actor=actor,
        expected_status=CaseStatus.STANDBY,
        reason=reason.strip() or _("Het moment is daar: het voortraject is klaar."),
    )
    _end_trajectory(trajectory=trajectory, reason=TrajectoryEnd.TIME_IS_RIGHT, on=timezone.localdate())
    return trajectory


@transaction.atomic
def pre_trajectory_stop(*, trajectory: PreTrajectory, actor: User | AnonymousUser | None) -> PreTrajectory:
    """End a trajectory without changing the case's status (e.g. the case moved on already)."""
    trajectory = PreTrajectory.objects.select_for_update().get(pk=trajectory.pk)
    if trajectory.ended_on is not None:
        raise ValidationError(_("Dit voortraject is al beëindigd."))
    _end_trajectory(trajectory=trajectory, reason=TrajectoryEnd.STOPPED, on=timezone.localdate())
    _note(case=trajectory.case, actor=actor, text=_("Voortraject gestopt."))
    return trajectory


# --- 3. Accompaniment ------------------------------------------------------------------


@transaction.atomic
def accompaniment_start(
    *,
    party: Party,
    organisation: PartnerOrganisation,
    actor: User | AnonymousUser | None,
    care_worker_name: str,
    started_on: dt.date | None = None,
) -> Accompaniment:
    """A partner's care worker accompanies this resident through the mediation (no case access)."""
    case = party.case
    if not case.is_open:
        raise ValidationError(_("Deze zaak is afgesloten."))
    _check_organisation(organisation=organisation, service_id=case.service_id)
    _require_disclosure(case=case, organisation=organisation, party=party)
    started_on = started_on or timezone.localdate()
    _check_not_future(started_on, "started_on")
    accompaniment = Accompaniment(
        service_id=case.service_id,
        party=party,
        organisation=organisation,
        care_worker_name=care_worker_name.strip(),
        started_on=started_on,
    )
    accompaniment.full_clean()
    accompaniment.save()
    _note(
        case=case,
        actor=actor,
        text=_("Begeleiding van %(side)s door een hulpverlener van %(organisation)s.")
        % {"side": party.get_side_display(), "organisation": organisation.name},
    )
    return accompaniment


@transaction.atomic
def accompaniment_set_conversations(
    *, accompaniment: Accompaniment, actor: User | AnonymousUser | None, conversations: Iterable[Conversation]
) -> Accompaniment:
    """Record which conversations of the case the care worker attended."""
    accompaniment = (
        Accompaniment.objects.select_for_update(of=("self",))
        .select_related("party__case", "organisation")
        .get(pk=accompaniment.pk)
    )
    if accompaniment.ended_on is not None:
        raise ValidationError(_("Deze begeleiding is beëindigd."))
    case = accompaniment.party.case
    _require_disclosure(case=case, organisation=accompaniment.organisation, party=accompaniment.party)
    conversations = list(conversations)
    if any(conversation.case_id != case.pk for conversation in conversations):
        raise ValidationError({"conversations": _("Kies gesprekken van deze zaak.")})
    accompaniment.conversations.set(conversations)
    return accompaniment


@transaction.atomic
def accompaniment_end(
    *, accompaniment: Accompaniment, actor: User | AnonymousUser | None, ended_on: dt.date | None = None
) -> Accompaniment:
    accompaniment = (
        Accompaniment.objects.select_for_update(of=("self",)).select_related("party__case").get(pk=accompaniment.pk)
    )
    if accompaniment.ended_on is not None:
        raise ValidationError(_("Deze begeleiding is al beëindigd."))
    accompaniment.ended_on = max(ended_on or timezone.localdate(), accompaniment.started_on)
    accompaniment.full_clean()
    accompaniment.save(update_fields=["ended_on", "updated_at"])
    _note(
        case=accompaniment.party.case,
        actor=actor,
        text=_("Begeleiding door %(name)s gestopt.") % {"name": accompaniment.care_worker_name},
    )
    return accompaniment


# --- 4. Joint home visit ---------------------------------------------------------------


@transaction.atomic
def joint_visit_record(
    *,
    organisation: PartnerOrganisation,
    actor: User | AnonymousUser | None,
    professional_name: str,
    visited_on: dt.date,
    outcome: str,
    case: Case | None = None,
    party: Party | None = None,
    notes: str = "",
) -> JointVisit:
    """A coordinator visited a resident together with a partner's professional."""
    _check_organisation(organisation=organisation, service_id=organisation.service_id)
    _check_not_future(visited_on, "visited_on")
    if party is not None and (case is None or party.case_id != case.pk):
        raise ValidationError({"party": _("Deze bewoner hoort niet bij deze zaak.")})
    if case is not None:
        _check_organisation(organisation=organisation, service_id=case.service_id)
        _require_disclosure(case=case, organisation=organisation, party=party)
    visit = JointVisit(
        service_id=organisation.service_id,
        case=case,
        party=party,
        organisation=organisation,
        coordinator=_actor(actor),
        professional_name=professional_name.strip(),
        visited_on=visited_on,
        outcome=outcome,
        notes=notes.strip(),
    )
    visit.full_clean()
    visit.save()
    if case is not None:
        _note(
            case=case,
            actor=actor,
            text=_("Gezamenlijk huisbezoek met %(organisation)s: %(outcome)s.")
            % {"organisation": organisation.name, "outcome": visit.get_outcome_display()},
        )
    return visit
