"""Every write to a case goes through here: keyword-only, validated, atomic, with a timeline entry."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from buurtbemiddeling import edits, generations
from buurtbemiddeling.models import MediationService, Neighbourhood, User, collect_other_service_errors
from buurtbemiddeling.roles import PERM_COORDINATE
from organisations.models import MediatorProfile, PartnerOrganisation

from . import events, selectors, timeline, workflow
from .constants import (
    DEFAULT_CONFLICT_TYPES,
    DEFAULT_FITS_PARTICIPATION,
    DEFAULT_NAMES_EN,
    DEFAULT_OUTCOMES,
    DEFAULT_UNSUITABILITY_REASONS,
    OPEN_STATUSES,
    AgreementKept,
    AppointmentStatus,
    CaseStatus,
    Channel,
    ConversationKind,
    EventKind,
)
from .models import (
    CORRECTABLE_CONVERSATION_FIELDS,
    Agreement,
    Assignment,
    Case,
    CaseEvent,
    CaseTombstone,
    ConflictType,
    Conversation,
    ConversationRevision,
    Outcome,
    Party,
    UnsuitabilityReason,
)


def service_setup_reference_lists(*, service: MediationService) -> None:
    """Give a service the standard reference lists (idempotent; admins edit them later).

    What the service lacks, by name, in one read and one insert per list.
    """
    fits = DEFAULT_FITS_PARTICIPATION
    lists = {
        ConflictType: [{"name": name} for name in DEFAULT_CONFLICT_TYPES],
        UnsuitabilityReason: [
            {"name": name, "fits_participation": fits.get(name, "")} for name in DEFAULT_UNSUITABILITY_REASONS
        ],
        Outcome: [
            {
                "name": name,
                "category": category,
                "counts_as_resolved": resolved,
                "requires_conversation": needs_conversation,
                "fits_participation": fits.get(name, ""),
            }
            for name, category, resolved, needs_conversation in DEFAULT_OUTCOMES
        ],
    }
    for model, rows in lists.items():
        present = set(model.objects.filter(service=service).values_list("name", flat=True))
        missing = [
            model(service=service, position=i, name_en=DEFAULT_NAMES_EN.get(row["name"], ""), **row)
            for i, row in enumerate(rows)
            if row["name"] not in present
        ]
        if missing:
            model.objects.bulk_create(missing)
            selectors.forget_filter_choices(service.pk)
            generations.changed(service.pk)  # bulk_create sends no post_save


def _next_sequence(*, service: MediationService, year: int) -> int:
    # Lock the service row so two people registering at once never get the same number.
    MediationService.objects.select_for_update().filter(pk=service.pk).first()
    # Numbers are never given twice: after the cases, and after the tombstones of removed ones.
    last = Case.objects.filter(service=service, year=year).aggregate(m=Max("sequence"))["m"]
    removed = CaseTombstone.objects.filter(service=service, year=year).aggregate(m=Max("sequence"))["m"]
    return max(last or 0, removed or 0) + 1


@transaction.atomic
def case_create(
    *,
    service: MediationService,
    actor: User | AnonymousUser | None,
    channel: str,
    parties: Iterable[dict],
    reported_on: dt.date | None = None,
    conflict_types: Iterable[ConflictType] = (),
    referrer_organisation: PartnerOrganisation | None = None,
    neighbourhood: Neighbourhood | None = None,
    coordinator: User | None = None,
    description: str = "",
    tried_already: str = "",
    is_complex: bool = False,
    is_urgent: bool = False,
    at: dt.datetime | None = None,
) -> Case:
    """Register a new case with its parties. It always starts as REGISTERED."""
    reported_on = reported_on or timezone.localdate()
    errors = {}
    if channel == Channel.REFERRAL and referrer_organisation is None:
        errors["referrer_organisation"] = _("Kies de verwijzende organisatie.")
    collect_other_service_errors(
        service.pk,
        errors,
        referrer_organisation=referrer_organisation,
        neighbourhood=neighbourhood,
        coordinator=coordinator,
    )
    conflict_types = list(conflict_types)
    if any(ct.service_id != service.pk for ct in conflict_types):
        errors["conflict_types"] = _("Kies soorten conflict van de eigen organisatie.")
    parties = list(parties)
    if not any(p.get("side") == "A" for p in parties):
        errors["parties"] = _("Een zaak heeft minstens één partij aan kant A.")
    if errors:
        raise ValidationError(errors)

    year = reported_on.year
    sequence = _next_sequence(service=service, year=year)
    case = Case(
        service=service,
        year=year,
        sequence=sequence,
        reference=f"{service.reference_prefix}-{year}-{sequence:05d}",
        channel=channel,
        reported_on=reported_on,
        referrer_organisation=referrer_organisation,
        neighbourhood=neighbourhood,
        coordinator=coordinator,
        description=description,
        tried_already=tried_already,
        is_complex=is_complex,
        is_urgent=is_urgent,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    case.full_clean(exclude=["reference", "year", "sequence"])
    case.save()
    case.conflict_types.set(conflict_types)
    for data in parties:
        party = Party(case=case, **data)
        party.full_clean()
        party.save()
    timeline.record(case=case, kind=EventKind.CREATED, actor=actor, to_status=case.status, at=at)
    return case


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to_status: str,
    actor: User | AnonymousUser | None,
    reason: str = "",
    expected_status: str | None = None,
    unsuitability_reason: UnsuitabilityReason | None = None,
    advice: str = "",
    review_on: dt.date | None = None,
    outcome: Outcome | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Move a case to another status, if the transition table allows it.

    The row is re-read under a lock, so of two people acting at once the second sees the
    first's result and is refused rather than overwriting it. `expected_status` is the
    status the person saw when they chose the action.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if expected_status is not None and case.status != expected_status:
        raise ValidationError(
            _("Iemand anders heeft deze zaak intussen gewijzigd (status is nu %(status)s). Bekijk de zaak opnieuw.")
            % {"status": case.get_status_display()}
        )
    transition = workflow.get_transition(case.status, to_status)
    if transition is None:
        raise ValidationError(
            _("Van %(source)s naar %(target)s is niet toegestaan.")
            % {
                "source": case.get_status_display(),
                "target": CaseStatus(to_status).label if to_status in CaseStatus.values else _("een onbekende status"),
            }
        )
    now = at or timezone.now()
    errors = {}
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        errors["reason"] = _("Geef een toelichting.")
    if transition.needs_unsuitability_reason:
        if unsuitability_reason is None:
            errors["unsuitability_reason"] = _("Kies een reden.")
        elif unsuitability_reason.service_id != case.service_id:
            errors["unsuitability_reason"] = _("Kies een reden van de eigen organisatie.")
    if transition.needs_review_date:
        if review_on is None:
            errors["review_on"] = _("Kies een datum om de zaak opnieuw te bekijken.")
        elif review_on <= timezone.localdate(now):
            errors["review_on"] = _("De datum moet in de toekomst liggen.")
    if transition.needs_outcome:
        if outcome is None:
            errors["outcome"] = _("Kies een uitkomst.")
        elif outcome.service_id != case.service_id:
            errors["outcome"] = _("Kies een uitkomst van de eigen organisatie.")
        elif outcome.requires_conversation and not case.conversations.exists():
            errors["outcome"] = _("Deze uitkomst kan pas als er minstens één gesprek is vastgelegd.")
    if errors:
        raise ValidationError(errors)

    source = case.status
    case.status = to_status
    workflow.apply_effects(
        case,
        source=source,
        target=to_status,
        now=now,
        unsuitability_reason=unsuitability_reason,
        advice=advice,
        review_on=review_on,
        outcome=outcome,
    )
    case.full_clean()
    case.save()
    # The decision itself goes into the timeline, so it survives a later reopening.
    decision = outcome or (unsuitability_reason if to_status == CaseStatus.UNSUITABLE else None)
    timeline.record(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        from_status=source,
        to_status=to_status,
        reason=": ".join(part for part in (decision and decision.name, reason) if part),
        at=now,
    )
    # Apps built on cases react in this transaction (a referrer's milestone e-mail is enqueued
    # with the change, so it goes exactly when the change is stored).
    events.case_status_changed.send(
        sender="cases", case_id=case.pk, from_status=source, to_status=to_status, channel=case.channel
    )
    return case


@transaction.atomic
def mediator_assign(
    *,
    case: Case,
    mediator: MediatorProfile,
    actor: User | AnonymousUser | None,
    started_on: dt.date | None = None,
    at: dt.datetime | None = None,
    over_maximum: bool = False,
) -> Assignment:
    """Assign a mediator, checked against the case as it is now (not as a stale page showed it).

    A mediator at their maximum number of open cases is assigned only when the coordinator
    confirms it (`over_maximum`); the refusal has the code "over_maximum".
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not workflow.accepts_mediators(case.status):
        raise ValidationError(
            {
                "mediator": _(
                    "Deze zaak is %(status)s: er kan geen bemiddelaar meer bij. De pagina was verouderd; "
                    "bekijk de zaak opnieuw."
                )
                % {"status": case.get_status_display().lower()}
            }
        )
    if mediator.service_id != case.service_id:
        raise ValidationError({"mediator": _("Deze bemiddelaar hoort bij een andere organisatie.")})
    if not mediator.is_active:
        raise ValidationError({"mediator": _("Deze bemiddelaar is niet actief.")})
    if case.assignments.filter(mediator=mediator, ended_on__isnull=True).exists():
        raise ValidationError({"mediator": _("Deze bemiddelaar werkt al aan deze zaak.")})
    if case.assignments.filter(ended_on__isnull=True).count() >= 2:
        raise ValidationError({"mediator": _("Deze zaak heeft al twee bemiddelaars. Vervang er eerst één.")})
    if not over_maximum:
        load = Assignment.objects.filter(
            mediator=mediator, ended_on__isnull=True, case__status__in=OPEN_STATUSES
        ).count()
        if load >= mediator.max_cases:
            raise ValidationError(
                {
                    "mediator": ValidationError(
                        ngettext(
                            "%(name)s werkt al aan %(load)d zaak (maximum %(max)d). Vink aan dat u "
                            "%(name)s toch wilt toewijzen, of kies een ander.",
                            "%(name)s werkt al aan %(load)d zaken (maximum %(max)d). Vink aan dat u "
                            "%(name)s toch wilt toewijzen, of kies een ander.",
                            load,
                        )
                        % {"name": mediator.name, "load": load, "max": mediator.max_cases},
                        code="over_maximum",
                    )
                }
            )
    assignment = Assignment.objects.create(case=case, mediator=mediator, started_on=started_on or timezone.localdate())
    timeline.record(case=case, kind=EventKind.MEDIATOR_ASSIGNED, actor=actor, reason=mediator.name, at=at)
    return assignment


@transaction.atomic
def conversation_log(
    *,
    case: Case,
    actor: User | AnonymousUser | None,
    kind: str,
    held_on: dt.date,
    report: str = "",
    duration_minutes: int | None = None,
    mediators: Iterable[MediatorProfile] = (),
    parties: Iterable[Party] = (),
    care_worker: str = "",
    agreements: Iterable[str] = (),
    at: dt.datetime | None = None,
) -> Conversation:
    conversation = Conversation(
        case=case,
        service_id=case.service_id,
        kind=kind,
        held_on=held_on,
        report=report,
        duration_minutes=duration_minutes,
        care_worker=care_worker,
        author=actor if getattr(actor, "pk", None) else None,
    )
    conversation.full_clean()
    conversation.save()
    conversation.mediators.set([m for m in mediators if m.service_id == case.service_id])
    present = [p for p in parties if p.case_id == case.pk]
    conversation.parties.set(present)
    # The talk planned for that day is held now, linked to its record (cases/appointments.py).
    planned = case.appointments.filter(kind=kind, status=AppointmentStatus.PLANNED, conversation=None)
    if held := planned.filter(starts_at__date=held_on).first():
        held.status, held.conversation = AppointmentStatus.HELD, conversation
        held.save(update_fields=["status", "conversation", "updated_at"])
    timeline.record(
        case=case, kind=EventKind.CONVERSATION_LOGGED, actor=actor, reason=conversation.get_kind_display(), at=at
    )
    # Voluntariness follows the work: who was visited or at the table takes part (workflow.py).
    for party in Party.objects.filter(pk__in=[p.pk for p in present]):  # as stored now
        participation = workflow.participation_after_conversation(kind, party.participation)
        if participation is not None:
            party_set_participation(party=party, actor=actor, participation=participation, at=at)
    agreements = [text.strip() for text in agreements if text and text.strip()]
    if kind == ConversationKind.FOLLOW_UP_CALL and not agreements:
        # The follow-up call is done: it leaves the work queue.
        Case.objects.filter(pk=case.pk).update(follow_up_due_on=None)
        generations.changed(case.service_id)  # an update sends no post_save ("follow-up due")
        case.follow_up_due_on = None
    if agreements:
        review_on = held_on + dt.timedelta(weeks=case.service.follow_up_weeks)
        for text in agreements:
            agreement = Agreement(case=case, conversation=conversation, text=text, review_on=review_on)
            agreement.full_clean()
            agreement.save()
        # Reaching agreements schedules the follow-up call.
        Case.objects.filter(pk=case.pk).update(follow_up_due_on=review_on)
        generations.changed(case.service_id)
        case.follow_up_due_on = review_on
        timeline.record(
            case=case,
            kind=EventKind.AGREEMENT_MADE,
            actor=actor,
            reason=ngettext("%(count)d afspraak", "%(count)d afspraken", len(agreements)) % {"count": len(agreements)},
            at=at,
        )
    return conversation


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, actor: User | AnonymousUser | None, reason: str, ended_on: dt.date | None = None
) -> Assignment:
    """Take a mediator off a case (to replace them); the assignment stays in the history."""
    assignment = Assignment.objects.select_for_update().select_related("case", "mediator").get(pk=assignment.pk)
    if assignment.ended_on is not None:
        raise ValidationError(_("Deze bemiddelaar werkt al niet meer aan deze zaak."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden.")})
    assignment.ended_on = ended_on or timezone.localdate()
    assignment.end_reason = reason
    assignment.full_clean()
    assignment.save()
    timeline.record(
        case=assignment.case,
        kind=EventKind.MEDIATOR_REPLACED,
        actor=actor,
        reason=f"{assignment.mediator.name}: {reason}",
    )
    return assignment


@transaction.atomic
def party_add(*, case: Case, actor: User | AnonymousUser | None, data: dict, allow_duplicate: bool = False) -> Party:
    """Add a household to a side of a case (details of side B often follow later).

    The same household twice (same name, or same postcode and house number) is refused
    unless the caller says it is another household at that address: a double click or a
    stale page would otherwise add it again.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    party = Party(case=case, **data)
    party.full_clean()
    if not allow_duplicate and (twin := _same_household(case, party)):
        raise ValidationError(
            _(
                "%(party)s staat al bij deze zaak (kant %(side)s). Is het een ander huishouden?"
                " Vink dan aan dat u het toch wilt toevoegen."
            )
            % {"party": twin.display_name, "side": twin.side},
            code="duplicate_party",
        )
    party.save()
    timeline.record(case=case, kind=EventKind.PARTY_ADDED, actor=actor, reason=party.get_side_display())
    return party


def _same_household(case: Case, party: Party) -> Party | None:
    same = Q()
    if party.name:
        same |= Q(name__iexact=party.name)
    if party.postcode and party.house_number:
        same |= Q(postcode=party.postcode, house_number__iexact=party.house_number)
    if not same:
        return None
    return case.parties.filter(same).order_by("pk").first()


@transaction.atomic
def case_note_add(*, case: Case, actor: User | AnonymousUser | None, text: str) -> CaseEvent:
    """A free note on the timeline ("belde terug, spreekt vrijdag met buurman"), by who and when.

    By a coordinator or a mediator assigned to the open case (selectors.may_add_to_case);
    `actor` None is the system.
    """
    if actor is not None and not selectors.may_add_to_case(actor, case):
        raise ValidationError(_("U kunt bij deze zaak geen notitie (meer) maken."), code="not_allowed")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Schrijf de notitie.")})
    return timeline.record(case=case, kind=EventKind.NOTE, actor=actor, reason=text)


def _staff_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else "-"


@transaction.atomic
def case_handover(*, cases: Iterable[Case], to: User, actor: User | AnonymousUser | None) -> int:
    """Give cases to another coordinator of their service (one, or a selection when someone
    leaves). Each change is in the case's timeline, with who did it; returns how many changed.

    Refused as a whole (nothing changes) when `to` is no active coordinator of every case's
    service; a case already theirs is left as it is.
    """
    cases = list(Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases]).order_by("pk"))
    if not (to.is_active and to.has_perm(PERM_COORDINATE)) or any(c.service_id != to.service_id for c in cases):
        raise ValidationError({"coordinator": _("Deze persoon is geen coördinator van deze bemiddelingsorganisatie.")})
    changed = 0
    for case in cases:
        if case.coordinator_id == to.pk:
            continue
        before = case.coordinator
        case.coordinator = to
        case.save(update_fields=["coordinator", "updated_at"])
        timeline.record(
            case=case,
            kind=EventKind.COORDINATOR_CHANGED,
            actor=actor,
            reason=f"{_staff_name(before)} → {_staff_name(to)}",
        )
        changed += 1
    return changed


@transaction.atomic
def party_set_participation(
    *, party: Party, actor: User | AnonymousUser | None, participation: str, at: dt.datetime | None = None
) -> Party:
    """Mediation is voluntary: record that a party was asked, takes part, refuses or stops.

    A party who takes part again is no longer left out of the work (`party_leave_out`).
    """
    party = Party.objects.select_for_update().select_related("case").get(pk=party.pk)
    if party.participation == participation:
        return party
    party.participation = participation
    if not workflow.declined(participation):
        party.left_out_at = None
    party.full_clean()
    party.save(update_fields=["participation", "left_out_at", "updated_at"])
    timeline.record(
        case=party.case,
        kind=EventKind.PARTICIPATION_CHANGED,
        actor=actor,
        reason=f"{party.get_side_display()}: {party.get_participation_display()}",
        at=at,
    )
    return party


@transaction.atomic
def party_leave_out(*, party: Party, actor: User | AnonymousUser | None) -> Party:
    """Go on with the willing parties only, after this one refused or stopped (domain rule 1).

    The party stays on the case (and in its history); it is no longer offered for
    conversations and the case page stops asking what to do about the refusal.
    """
    party = Party.objects.select_for_update().select_related("case").get(pk=party.pk)
    case = party.case
    if not case.is_open:
        raise ValidationError(_("Deze zaak is beëindigd: er valt niets meer voort te zetten."))
    if not workflow.declined(party.participation):
        raise ValidationError(_("Deze partij weigert niet en is niet gestopt: zij doet gewoon mee."))
    if party.left_out_at is not None:
        return party
    willing = case.parties.exclude(pk=party.pk).exclude(participation__in=workflow.DECLINED)
    if not willing.exists():
        raise ValidationError(_("Er is geen partij meer die meedoet. Sluit de zaak af met de passende uitkomst."))
    party.left_out_at = timezone.now()
    party.save(update_fields=["left_out_at", "updated_at"])
    timeline.record(case=case, kind=EventKind.PARTY_LEFT_OUT, actor=actor, reason=party.get_side_display())
    return party


@transaction.atomic
def case_delete(*, case: Case, actor: User | AnonymousUser | None) -> None:
    """Remove a case with its parties, conversations and timeline (a withdrawn referral).

    Only for a case that must not exist at all; an ended case is anonymised instead. A
    tombstone keeps the number, so it is never given to another case. Announced after
    commit (`events.case_deleted`), with the reference it had.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    case_id, reference = case.pk, case.reference
    CaseTombstone.objects.create(
        service_id=case.service_id, reference=reference, year=case.year, sequence=case.sequence
    )
    case.delete()
    events.send_on_commit(events.case_deleted, case_id=case_id, reference=reference)


# --- Editing after intake ------------------------------------------------------------------
# A form carries the version of what it showed (`edit_version`: a digest of the editable
# values); an edit whose version no longer matches the stored values is refused, so one
# person never overwrites another's change unseen. Each edit leaves one timeline entry that
# names what changed, with old and new values only for what is not personal data.

CASE_EDITABLE = (
    "reported_on",
    "neighbourhood",
    "conflict_types",
    "description",
    "tried_already",
    "is_complex",
    "is_urgent",
)
PARTY_EDITABLE = (
    "name",
    "street",
    "house_number",
    "postcode",
    "city",
    "phone",
    "email",
    "preferred_contact",
    "contact_time_preference",
    "interpreter_language",
    "tenure",
    "housing_corporation",
)


def edit_version(instance: Case | Party) -> str:
    """What an edit form carries to tell a stale page from a fresh one (buurtbemiddeling/edits.py)."""
    return edits.version(instance, CASE_EDITABLE if isinstance(instance, Case) else PARTY_EDITABLE)


@transaction.atomic
def case_update(*, case: Case, actor: User | AnonymousUser | None, version: str, changes: dict) -> Case:
    """Correct or complete a case's details after intake (CASE_EDITABLE).

    Refused whole when the form was stale (`version`), the case is anonymised, or a choice
    belongs to another service. Nothing changed: nothing stored, no timeline entry.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.anonymised_at is not None:
        raise ValidationError(_("Deze zaak is geanonimiseerd: de gegevens kunnen niet meer worden gewijzigd."))
    edits.refuse_stale(
        case, version, changes, CASE_EDITABLE, _("Iemand anders heeft de gegevens van deze zaak intussen gewijzigd.")
    )
    errors = {}
    collect_other_service_errors(case.service_id, errors, neighbourhood=changes.get("neighbourhood"))
    if any(ct.service_id != case.service_id for ct in changes.get("conflict_types", ())):
        errors["conflict_types"] = _("Kies soorten conflict van de eigen organisatie.")
    if (reported_on := changes.get("reported_on")) and reported_on > timezone.localdate():
        errors["reported_on"] = _("De datum van de melding kan niet in de toekomst liggen.")
    if errors:
        raise ValidationError(errors)
    changed = edits.apply(case, changes, CASE_EDITABLE)
    if not changed:
        return case
    case.full_clean(exclude=["reference", "year", "sequence"])
    case.save()
    if "conflict_types" in changed:
        case.conflict_types.set(changed["conflict_types"][1])
    timeline.record(case=case, kind=EventKind.CASE_EDITED, actor=actor, reason=edits.describe(case, changed))
    return case


@transaction.atomic
def party_update(*, party: Party, actor: User | AnonymousUser | None, version: str, changes: dict) -> Party:
    """Correct or complete a household's details (a new phone number, a corrected address)."""
    party = Party.objects.select_for_update().select_related("case").get(pk=party.pk)
    if party.case.anonymised_at is not None:
        raise ValidationError(_("Deze zaak is geanonimiseerd: de gegevens kunnen niet meer worden gewijzigd."))
    edits.refuse_stale(
        party,
        version,
        changes,
        PARTY_EDITABLE,
        _("Iemand anders heeft de gegevens van deze partij intussen gewijzigd."),
    )
    changed = edits.apply(party, changes, PARTY_EDITABLE)
    if not changed:
        return party
    party.full_clean()
    party.save()
    timeline.record(
        case=party.case,
        kind=EventKind.PARTY_EDITED,
        actor=actor,
        reason=f"{party.get_side_display()}: {edits.describe(party, changed)}",
    )
    return party


# --- Correcting a conversation (#18) ------------------------------------------------------


@transaction.atomic
def conversation_correct(
    *,
    conversation: Conversation,
    actor: User | AnonymousUser | None,
    expected_updated_at: dt.datetime | None,
    reason: str = "",
    at: dt.datetime | None = None,
    **changes: object,
) -> ConversationRevision | None:
    """Correct (or add to) a logged conversation; the earlier values stay as a revision.

    `changes` are new values for fields in CORRECTABLE_CONVERSATION_FIELDS; fields left out
    stay as they are. `expected_updated_at` is the conversation's `updated_at` as the page
    showed it: if someone saved in between, the correction is refused and nothing is
    overwritten (None: not checked). Who may: selectors.may_correct_conversation. Returns
    the revision with the earlier values, or None when nothing changed (nothing stored).
    """
    unknown = sorted(set(changes) - set(CORRECTABLE_CONVERSATION_FIELDS))
    if unknown:
        raise TypeError(f"conversation_correct() cannot change {unknown}")
    conversation = Conversation.objects.select_for_update(of=("self",)).select_related("case").get(pk=conversation.pk)
    case = conversation.case
    if not selectors.may_correct_conversation(actor, conversation):
        raise ValidationError(_("U mag dit verslag niet corrigeren."), code="not_allowed")
    if expected_updated_at is not None and conversation.updated_at != expected_updated_at:
        raise ValidationError(
            _("Iemand anders heeft dit verslag intussen gewijzigd. Bekijk het opnieuw; uw tekst staat hieronder."),
            code="stale",
        )
    now = at or timezone.now()
    if "held_on" in changes and changes["held_on"] is not None and changes["held_on"] > timezone.localdate(now):
        raise ValidationError({"held_on": _("Een gesprek kan niet in de toekomst hebben plaatsgevonden.")})

    old_mediators = set(conversation.mediators.values_list("pk", flat=True))
    old_parties = set(conversation.parties.values_list("pk", flat=True))
    mediators = parties = None
    if "mediators" in changes:
        mediators = [m for m in changes.pop("mediators") if m.service_id == case.service_id]
    if "parties" in changes:
        parties = [p for p in changes.pop("parties") if p.case_id == case.pk]
    for name in ("report", "care_worker"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    changed = [name for name, value in changes.items() if getattr(conversation, name) != value]
    if mediators is not None and {m.pk for m in mediators} != old_mediators:
        changed.append("mediators")
    if parties is not None and {p.pk for p in parties} != old_parties:
        changed.append("parties")
    if not changed:
        return None
    changed.sort(key=CORRECTABLE_CONVERSATION_FIELDS.index)

    revision = ConversationRevision(
        conversation=conversation,
        kind=conversation.kind,
        held_on=conversation.held_on,
        duration_minutes=conversation.duration_minutes,
        care_worker=conversation.care_worker,
        report=conversation.report,
        changed_fields=",".join(changed),
        reason=(reason or "").strip(),
        revised_by=actor if getattr(actor, "pk", None) else None,
        revised_at=now,
    )
    for name, value in changes.items():
        setattr(conversation, name, value)
    conversation.full_clean()
    revision.full_clean()
    conversation.save()
    revision.save()
    if "mediators" in changed:
        conversation.mediators.set(mediators)
    if "parties" in changed:
        conversation.parties.set(parties)
    # The timeline says which conversation and what changed, never the report itself.
    timeline.record(
        case=case,
        kind=EventKind.CONVERSATION_CORRECTED,
        actor=actor,
        reason=_("%(kind)s van %(date)s: %(fields)s")
        % {
            "kind": conversation.get_kind_display(),
            "date": conversation.held_on.strftime("%d-%m-%Y"),
            "fields": ", ".join(revision.changed_field_labels()),
        },
        at=now,
    )
    return revision


# --- Agreements followed up (#18) ---------------------------------------------------------
#
# The follow-up date and the agreements: `Case.follow_up_due_on` is scheduled only from
# agreements (`conversation_log`). While the case is open and has that date, it is the
# earliest review date of the case's agreements not yet judged: moving a review date or
# judging an agreement moves it along, and judging the last one clears it (the follow-up is
# done, as after a follow-up call). A case without a follow-up date (none scheduled, the call
# was made, or the case ended) gets none from these changes.

MAX_REVIEW_AHEAD_DAYS = 2 * 365


def _agreement_label(agreement: Agreement) -> str:
    """ "Afspraak 2 van 3": which agreement, by its number in the case, never by its text."""
    ids = list(
        Agreement.objects.filter(case_id=agreement.case_id).order_by("created_at", "id").values_list("pk", flat=True)
    )
    return _("Afspraak %(number)d van %(total)d") % {"number": ids.index(agreement.pk) + 1, "total": len(ids)}


def _follow_up_from_agreements(case: Case) -> str:
    """Keep the case's follow-up date on its agreements (the rule above); what changed, for the timeline."""
    if not case.is_open or case.follow_up_due_on is None:
        return ""
    earliest = (
        case.agreements.filter(kept=AgreementKept.NOT_JUDGED, review_on__isnull=False)
        .order_by()
        .aggregate(earliest=Min("review_on"))["earliest"]
    )
    if earliest == case.follow_up_due_on:
        return ""
    case.follow_up_due_on = earliest
    case.full_clean()
    case.save(update_fields=["follow_up_due_on", "updated_at"])
    if earliest is None:
        return _("alle afspraken beoordeeld, nazorg afgerond")
    return _("nazorg nu gepland op %(date)s") % {"date": earliest.strftime("%d-%m-%Y")}


def _locked_agreement(agreement: Agreement) -> tuple[Case, Agreement]:
    # The case first, then the agreement: the order every write to a case takes.
    case = Case.objects.select_for_update().get(pk=agreement.case_id)
    # Only the agreement's own row (its conversation, an outer join, cannot be locked).
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("conversation").get(pk=agreement.pk)
    agreement.case = case
    return case, agreement


@transaction.atomic
def agreement_set_review_date(
    *,
    agreement: Agreement,
    review_on: dt.date | None,
    actor: User | AnonymousUser | None,
    expected_review_on: dt.date | None,
    at: dt.datetime | None = None,
) -> Agreement:
    """Move the date an agreement is to be evaluated (coordinator), while the case is open.

    Not before the day it was agreed (the conversation's date), not more than two years
    ahead. `expected_review_on` is the date the page showed: when someone else changed it
    since, nothing is overwritten. The case's follow-up date follows (see above).
    """
    case, agreement = _locked_agreement(agreement)
    if not workflow.moves_agreement_reviews(case.status):
        raise ValidationError(
            _("Deze zaak is %(status)s: de evaluatiedatum van een afspraak kan niet meer wijzigen.")
            % {"status": case.get_status_display().lower()}
        )
    if agreement.review_on != expected_review_on:
        raise ValidationError(
            _(
                "Iemand anders heeft de evaluatiedatum van deze afspraak intussen gewijzigd (nu: %(date)s). "
                "Bekijk de zaak opnieuw."
            )
            % {"date": agreement.review_on.strftime("%d-%m-%Y") if agreement.review_on else _("geen datum")}
        )
    today = timezone.localdate(at or timezone.now())
    agreed_on = agreement.conversation.held_on if agreement.conversation else timezone.localdate(agreement.created_at)
    latest = today + dt.timedelta(days=MAX_REVIEW_AHEAD_DAYS)
    if review_on is None:
        raise ValidationError({"review_on": _("Kies de datum waarop de afspraak geëvalueerd wordt.")})
    if review_on < agreed_on:
        raise ValidationError(
            {
                "review_on": _("De evaluatiedatum kan niet vóór de dag van de afspraak liggen (%(date)s).")
                % {"date": agreed_on.strftime("%d-%m-%Y")}
            }
        )
    if review_on > latest:
        raise ValidationError(
            {
                "review_on": _("Kies een evaluatiedatum binnen twee jaar (uiterlijk %(date)s).")
                % {"date": latest.strftime("%d-%m-%Y")}
            }
        )
    if review_on == agreement.review_on:
        return agreement
    before = agreement.review_on
    agreement.review_on = review_on
    agreement.full_clean()
    agreement.save(update_fields=["review_on", "updated_at"])
    reason = _("%(agreement)s: evalueren op %(date)s") % {
        "agreement": _agreement_label(agreement),
        "date": review_on.strftime("%d-%m-%Y"),
    }
    if before:
        reason += " " + _("(was %(date)s)") % {"date": before.strftime("%d-%m-%Y")}
    if follow_up := _follow_up_from_agreements(case):
        reason += f"; {follow_up}"
    timeline.record(case=case, kind=EventKind.AGREEMENT_REVIEW_CHANGED, actor=actor, reason=reason, at=at)
    return agreement


@transaction.atomic
def agreement_judge(
    *,
    agreement: Agreement,
    kept: str,
    actor: User | AnonymousUser | None,
    expected_kept: str | None = None,
    at: dt.datetime | None = None,
) -> Agreement:
    """Record at follow-up whether an agreement held: kept, partly or not kept, judged today.

    In mediation or at follow-up only (workflow.judges_agreements). A judgement may be
    corrected later (it gets the new date); `expected_kept` is the judgement the page
    showed, so a stale page overwrites nobody's. The case's follow-up date follows (see above).
    """
    case, agreement = _locked_agreement(agreement)
    if not workflow.judges_agreements(case.status):
        raise ValidationError(
            _("Deze zaak is %(status)s: afspraken worden beoordeeld in bemiddeling of bij nazorg, niet in deze status.")
            % {"status": case.get_status_display().lower()}
        )
    if expected_kept is not None and agreement.kept != expected_kept:
        raise ValidationError(
            _("Iemand anders heeft deze afspraak intussen beoordeeld (nu: %(kept)s). Bekijk de zaak opnieuw.")
            % {"kept": agreement.get_kept_display().lower()}
        )
    if kept not in AgreementKept.values or kept == AgreementKept.NOT_JUDGED:
        raise ValidationError({"kept": _("Kies of de afspraak is nagekomen, deels nagekomen of niet nagekomen.")})
    if kept == agreement.kept:
        return agreement
    agreement.kept = kept
    agreement.kept_judged_on = timezone.localdate(at or timezone.now())
    agreement.full_clean()
    agreement.save(update_fields=["kept", "kept_judged_on", "updated_at"])
    reason = f"{_agreement_label(agreement)}: {agreement.get_kept_display().lower()}"
    if follow_up := _follow_up_from_agreements(case):
        reason += f"; {follow_up}"
    timeline.record(case=case, kind=EventKind.AGREEMENT_JUDGED, actor=actor, reason=reason, at=at)
    return agreement
