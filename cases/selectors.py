"""Every read of cases for a page goes through here, on top of `Case.objects.visible_to(user)`."""

import datetime as dt
import re

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Upper
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import audit
from buurtbemiddeling.dates import subtract_working_days
from buurtbemiddeling.exports import readable_value
from buurtbemiddeling.models import MediationService, Neighbourhood, ReferenceItem, User
from buurtbemiddeling.roles import PERM_COORDINATE, PERM_MEDIATE, users_with_permission
from buurtbemiddeling.validators import format_postcode_prefix, phone_variants
from organisations.models import MediatorProfile, PartnerOrganisation

from .constants import OPEN_STATUSES, CaseStatus, EventKind
from .models import (
    Assignment,
    Case,
    ConflictType,
    Conversation,
    ConversationRevision,
    MediatorAcquaintance,
    Party,
)

LIST_ROW_FIELDS = (
    "id",
    "service_id",
    "reference",
    "year",
    "sequence",
    "status",
    "channel",
    "is_urgent",
    "reported_on",
)


SIDE_A_PARTIES = Prefetch(
    "parties",
    queryset=Party.objects.filter(side="A").only(
        "id", "case_id", "name", "street", "house_number", "postcode", "phone", "side"
    ),
    to_attr="side_a",
)


def case_list_for_user(user: User | AnonymousUser) -> QuerySet[Case]:
    """Cases the user may see, with what a list row shows, in constant queries."""
    return (
        Case.objects.visible_to(user)
        # Only what a row (cases/templatetags/case_rows.py) and the list's sort cursors read.
        .only(*LIST_ROW_FIELDS)
        .annotate(neighbourhood_name=F("neighbourhood__name"))
        .prefetch_related(SIDE_A_PARTIES)
    )


# The case list's filters that pick one of the service's own records: field -> model.
FILTER_LISTS = {
    "conflict_type": ConflictType,
    "neighbourhood": Neighbourhood,
    "referrer_organisation": PartnerOrganisation,
    "mediator": MediatorProfile,
}
FILTER_CHOICES_TIMEOUT = 300


def filter_choices_key(service_id: int) -> str:
    return f"case-filter-choices:v2:{service_id}"


def _label_fields(model: type) -> tuple[str, ...]:
    return ("name", "name_en") if issubclass(model, ReferenceItem) else ("name",)


def forget_filter_choices(service_id: int) -> None:
    """A filter list of the service changed: its cached choices go, now and once committed.

    Now, so the rest of this transaction reads the change; after commit, so a page that
    read the old lists in between does not keep them.
    """
    key = filter_choices_key(service_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def case_filter_choices(service_id: int) -> dict[str, list[tuple]]:
    """(id, name) per filter list of the case list, for one service, in each model's order.

    Kept in the shared cache: every case list page needs all four lists, and they change
    only when an admin or coordinator edits them. Saving or deleting one of those records
    drops its service's entry (cases/signals.py); the timeout catches bulk updates that
    send no signal.
    """
    key = filter_choices_key(service_id)
    choices = cache.get(key)
    if choices is None:
        choices = {
            # (id, name) or, for a reference list, (id, name, English name): see models.localized.
            field: list(model.objects.filter(service_id=service_id).values_list("id", *_label_fields(model)))
            for field, model in FILTER_LISTS.items()
        }
        # Coordinators, those who left included (their cases are the ones to hand over):
        # (id, name, still active); the form words the last in the reader's language.
        choices["coordinator"] = [
            (user.pk, user.get_full_name() or user.username, user.is_active)
            for user in users_with_permission(PERM_COORDINATE, service_id=service_id, include_inactive=True)
            .only("first_name", "last_name", "username", "is_active")
            .order_by("-is_active", "first_name", "last_name", "username")
        ]
        cache.set(key, choices, FILTER_CHOICES_TIMEOUT)
    return choices


def case_get_for_user(user: User | AnonymousUser, *, reference: str) -> Case:
    """One case by reference, or Case.DoesNotExist (a 404) when the user may not see it.

    A reference comes from the address bar: one with a NUL byte, which no case has and
    PostgreSQL refuses in a query (a server error, #22), is not looked up.
    """
    if "\x00" in reference:
        raise Case.DoesNotExist
    return (
        Case.objects.visible_to(user)
        .select_related(
            "service", "neighbourhood", "referrer_organisation", "coordinator", "outcome", "unsuitability_reason"
        )
        .get(reference=reference)
    )


def case_get_or_404(request: HttpRequest, reference: str) -> Case:
    """The case a page asks for by reference; Http404 (and a logged denial) when the user may not see it."""
    try:
        return case_get_for_user(request.user, reference=reference)
    except Case.DoesNotExist:
        audit.case_view_denied(request, reference)
        raise Http404 from None


QUEUE_LIMIT = 10
QUEUE_TITLES = {
    "overdue": _("Eerste contact te laat"),
    "new": _("Nieuwe meldingen beoordelen"),
    "standby_review": _("Standby: herbeoordelen"),
    "follow_up_due": _("Nazorg bellen"),
    "without_pair": _("Geschikt, nog zonder bemiddelaars"),
    "mine": _("Mijn lopende zaken"),
}


def queue_rules(user: User, *, today: dt.date | None = None) -> dict[str, tuple[Q, tuple[str, ...]]]:
    """The work queue's rules, the one home of what each section holds: key -> (which open
    cases of the service, most urgent first). The queue shows the first few of each; the case
    list (`?rule=key`) pages through all of them in the same order."""
    today = today or timezone.localdate()
    overdue_before = subtract_working_days(today, user.service.first_contact_target_days)
    active_pair = Exists(Assignment.objects.filter(case=OuterRef("pk"), ended_on__isnull=True))
    return {
        "overdue": (
            Q(status=CaseStatus.REGISTERED, reported_on__lt=overdue_before),
            ("reported_on", "id"),
        ),
        "new": (Q(status=CaseStatus.REGISTERED), ("-is_urgent", "reported_on", "id")),
        "standby_review": (
            Q(status=CaseStatus.STANDBY, standby_review_on__lte=today),
            ("standby_review_on", "id"),
        ),
        "follow_up_due": (
            Q(status__in=[CaseStatus.IN_MEDIATION, CaseStatus.FOLLOW_UP], follow_up_due_on__lte=today),
            ("follow_up_due_on", "id"),
        ),
        "without_pair": (Q(status=CaseStatus.SUITABLE) & ~Q(active_pair), ("suitability_decided_at", "id")),
        "mine": (Q(coordinator_id=user.pk, status__in=OPEN_STATUSES), ("-reported_on", "-id")),
    }


def _order_sql(ordering: tuple[str, ...]) -> str:
    return ", ".join(f"{name[1:]} DESC" if name.startswith("-") else name for name in ordering)


def work_queue_for_user(user: User, *, today: dt.date | None = None) -> list[dict]:
    """The coordinator's home page: what needs attention today, most urgent first.

    Each entry: a key, a title, the count and the first few cases (with what a list row
    shows). The cases are those of the service `Case.objects.whole_service_of(user)` names,
    which is what `visible_to` gives a coordinator; anyone else gets no sections.

    Two queries whatever the data: one statement with, per rule, its count (a window count)
    and its first rows, each rule served by an index on the open cases; then the parties of
    the rows shown. The rules are ORM conditions (`queue_rules`, shared with the case list);
    the statement around them is written out in SQL (portable to PostgreSQL and SQLite)
    because this is the page coordinators open most: built through the ORM, its six rules
    and the fetch of their rows cost more in Python than the database spent on them
    (docs/adr/0004-hot-pages-at-a-million-cases.md).
    """
    service_id = Case.objects.whole_service_of(user)
    if service_id is None:
        return []
    rules = queue_rules(user, today=today)
    table = Case._meta.db_table
    parts, params = [], []
    for number, (condition, ordering) in enumerate(rules.values()):
        query = Case.objects.filter(service_id=service_id).filter(condition).query
        where, where_params = query.get_compiler(connection=connection).compile(query.where)
        order = _order_sql(ordering)
        # Numbered after the limit, so only the rows shown are sorted twice.
        parts.append(
            f"SELECT {number} AS rule, id, total, ROW_NUMBER() OVER (ORDER BY {order}) AS position "  # noqa: S608
            f"FROM (SELECT id, is_urgent, reported_on, standby_review_on, follow_up_due_on, "
            f"suitability_decided_at, COUNT(*) OVER () AS total "
            f"FROM {table} WHERE {where} "
            f"ORDER BY {order} LIMIT {QUEUE_LIMIT}) r{number}"
        )
        params += where_params
    # Table names, column names and the compiled conditions; every value is a parameter.
    sql = (
        "SELECT q.rule, q.total, c.id, c.service_id, c.reference, c.year, c.sequence, c.status, c.channel, "  # noqa: S608
        "c.is_urgent, c.reported_on, n.name AS neighbourhood_name "
        f"FROM ({' UNION ALL '.join(parts)}) q "
        f"JOIN {table} c ON c.id = q.id "
        f"LEFT JOIN {Neighbourhood._meta.db_table} n ON n.id = c.neighbourhood_id "
        "ORDER BY q.rule, q.position"
    )
    rows = list(Case.objects.raw(sql, params))
    prefetch_related_objects(rows, SIDE_A_PARTIES)
    sections = [{"key": key, "title": QUEUE_TITLES[key], "count": 0, "cases": []} for key in rules]
    mark_repeats(rows, service_id=service_id)
    for case in rows:
        section = sections[case.rule]
        section["count"] = case.total
        section["cases"].append(case)
    return sections


def mark_repeats(cases: list[Case], *, service_id: int) -> None:
    """Set `case.is_repeat` on each case whose reporting side (A) lives at the address, or has
    the phone number, of a party in another case of the service, for all of them at once.

    Whatever way the case came in (the web form, a referral, the phone), the work queue shows
    it; the case page lists the earlier cases (`repeats_for_case`). Two grouped queries, one
    for the addresses (postcodes and house numbers as lists, through the address index; in
    any case, as the repeat checks match) and one for the phone numbers. One condition per
    party made the ORM build and PostgreSQL combine over a hundred index scans for a queue of
    sixty rows; fetching the matching parties instead fetched thousands of rows for a phone
    number the bench's phone reports all share.
    """

    def keys_of(party: Party) -> set[tuple]:
        keys = set()
        if party.postcode and party.house_number:
            keys.add(("address", party.postcode, party.house_number.lower()))
        if party.phone:
            keys.add(("phone", party.phone))
        return keys

    wanted = {case.pk: set().union(*(keys_of(party) for party in case.side_a)) for case in cases}
    for case in cases:
        case.is_repeat = False
    postcodes = {key[1] for keys in wanted.values() for key in keys if key[0] == "address"}
    house_numbers = {key[2].upper() for keys in wanted.values() for key in keys if key[0] == "address"}
    phones = {key[1] for keys in wanted.values() for key in keys if key[0] == "phone"}
    if not postcodes and not phones:
        return
    parties = Party.objects.filter(case__service_id=service_id).order_by()
    # Per address and per phone number: in how many cases of the service it appears. The
    # database counts; a number shared by thousands of registrations stays one row.
    shared = set()
    if postcodes:
        shared.update(
            ("address", postcode, house_number.lower())
            for postcode, house_number in parties.annotate(house_number_upper=Upper("house_number"))
            .filter(postcode__in=postcodes, house_number_upper__in=house_numbers)
            .values_list("postcode", "house_number_upper")
            .annotate(cases=Count("case_id", distinct=True))
            .filter(cases__gte=2)
            .values_list("postcode", "house_number_upper")
        )
    if phones:
        shared.update(
            ("phone", phone)
            for phone in parties.filter(phone__in=phones)
            .values("phone")
            .annotate(cases=Count("case_id", distinct=True))
            .filter(cases__gte=2)
            .values_list("phone", flat=True)
        )
    for case in cases:
        # The case itself is one of the cases with its own address or number: two or more
        # means another case of the service has it too.
        case.is_repeat = bool(wanted[case.pk] & shared)


def repeats_for_case(case: Case) -> list[dict]:
    """Other cases of the service with a party at the same address, phone number or name."""
    parties = [
        {"postcode": p.postcode, "house_number": p.house_number, "phone": p.phone, "name": p.name}
        for p in case.parties.all()
    ]
    rows = possible_repeats(service=case.service, parties=parties, limit=12, exclude_case_id=case.pk)
    unique = {}
    for row in rows:
        unique.setdefault(row["case"].pk, row)
    return list(unique.values())


def mediator_cases_for_user(user: User) -> QuerySet[Case]:
    """A mediator's own cases: those with an active assignment for them."""
    return (
        case_list_for_user(user)
        .filter(assignments__mediator__user=user, assignments__ended_on__isnull=True)
        .open()
        .distinct()
        .order_by("-reported_on", "-id")
    )


def possible_repeats(
    *, service: MediationService, parties: list[dict], limit: int = 10, exclude_case_id: int | None = None
) -> list[dict]:
    """Earlier cases of this service where an address or person of the new report appears.

    Matches on postcode + house number, on phone number and on exact name (case-insensitive).
    Returns rows with the case and what matched, for a warning on the registration page.
    """
    conditions = Q()
    for data in parties:
        if data.get("postcode") and data.get("house_number"):
            conditions |= Q(postcode=data["postcode"], house_number__iexact=data["house_number"])
        if data.get("phone"):
            conditions |= Q(phone=data["phone"])
        if data.get("name"):
            conditions |= Q(name__iexact=data["name"])
    if not conditions:
        return []
    matches = (
        Party.objects.filter(conditions, case__service=service)
        .exclude(case_id=exclude_case_id)
        .select_related("case")
        .order_by("-case__reported_on", "-case_id")[:limit]
    )
    rows = []
    for party in matches:
        reasons = []
        for data in parties:
            if (
                data.get("postcode")
                and party.postcode == data["postcode"]
                and party.house_number.lower() == str(data.get("house_number", "")).lower()
            ):
                reasons.append(_("zelfde adres"))
            if data.get("phone") and party.phone == data["phone"]:
                reasons.append(_("zelfde telefoonnummer"))
            if data.get("name") and party.name.lower() == data["name"].lower():
                reasons.append(_("zelfde naam"))
        rows.append({"case": party.case, "party": party, "reasons": sorted(set(map(str, reasons)))})
    return rows


def mediator_load() -> Coalesce:
    """A MediatorProfile's load: its open assignments on open cases (a correlated count, 0 when none).

    The one home of the rule: the assignment list below, and through the hook
    organisations.panels.mediator_load (cases/volunteers.py) the volunteer pages.
    """
    counted = (
        Assignment.objects.filter(mediator=OuterRef("pk"), ended_on__isnull=True, case__status__in=OPEN_STATUSES)
        .order_by()
        .values("mediator")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def mediators_for_assignment(case: Case) -> list[MediatorProfile]:
    """Active mediators of the case's service, each with current load and conflict warnings."""
    mediators = list(
        MediatorProfile.objects.filter(service_id=case.service_id, is_active=True)
        .exclude(assignments__case=case, assignments__ended_on__isnull=True)
        .annotate(load=mediator_load())
        .prefetch_related("neighbourhoods")
        .order_by("load", "name")
    )
    parties = list(case.parties.all())
    known = set(MediatorAcquaintance.objects.filter(party__case=case).values_list("mediator_id", flat=True))
    streets = {(p.street.strip().lower(), p.city.strip().lower()) for p in parties if p.street}
    postcodes = {p.postcode for p in parties if p.postcode}
    for mediator in mediators:
        warnings = []
        if mediator.pk in known:
            warnings.append(str(_("kent een partij")))
        if mediator.postcode and mediator.postcode in postcodes:
            warnings.append(str(_("woont in dezelfde postcode als een partij")))
        elif mediator.street and any(mediator.street.strip().lower() == street for street, _city in streets):
            warnings.append(str(_("woont in dezelfde straat als een partij")))
        if mediator.load >= mediator.max_cases:
            warnings.append(str(_("zit aan het maximum aantal zaken")))
        mediator.warnings = warnings
        label = f"{mediator.name} ({mediator.load}/{mediator.max_cases})"
        if case.neighbourhood_id and any(n.pk == case.neighbourhood_id for n in mediator.neighbourhoods.all()):
            label += " · " + str(_("werkt in deze wijk"))
        if warnings:
            label += " · ⚠ " + "; ".join(warnings)
        mediator.choice_label = label
    return mediators


SORTS = {
    "reported": ("reported_on", "id"),
    "-reported": ("-reported_on", "-id"),
    "reference": ("year", "sequence", "id"),
    "-reference": ("-year", "-sequence", "-id"),
    "status": ("status", "-reported_on", "-id"),
}


# "Kastanjelaan 19", "Kastanjelaan 19a": a street, then a house number.
STREET_AND_NUMBER = re.compile(r"^(?P<street>.*?[^\d\s])\s+(?P<number>[1-9]\d{0,4}(?:[ /-]?[A-Za-z0-9]{1,4})?)$")
# "7511 AB 19", "7511ab 19": a postcode, then a house number.
POSTCODE_AND_NUMBER = re.compile(r"^(?P<postcode>[1-9]\d{3}\s?[A-Za-z]{2})\s+(?P<number>[1-9]\d{0,4}.*)$")


def case_search(queryset: QuerySet[Case], term: str) -> QuerySet[Case]:
    """Find cases by what a coordinator has at hand when someone calls.

    A reference (fragment); a party's name (all words, in any order: "Jan Vries" finds
    "Jan de Vries"), street, postcode; street + house number and postcode + house number;
    a phone number in any formatting (stored normalised, indexed); an e-mail address (any
    case, indexed). The caller's queryset is the gateway's: nothing outside it is searched.
    """
    term = " ".join((term or "").split())
    if not term:
        return queryset
    parties = Party.objects.filter(case=OuterRef("pk"))
    if "@" in term:
        return queryset.filter(Exists(parties.filter(email__iexact=term)))
    if variants := phone_variants(term):
        return queryset.filter(Exists(parties.filter(phone__in=variants)))
    if match := POSTCODE_AND_NUMBER.match(term):
        postcode = format_postcode_prefix(match["postcode"].replace(" ", "").upper())
        return queryset.filter(Exists(parties.filter(postcode=postcode, house_number__iexact=match["number"].strip())))
    words = term.split(" ")
    by_name = Q()
    for word in words:
        by_name &= Q(name__icontains=word)
    compact_postcode = term.replace(" ", "").upper()
    party_match = by_name | Q(street__icontains=term) | Q(postcode__startswith=format_postcode_prefix(compact_postcode))
    if match := STREET_AND_NUMBER.match(term):
        party_match |= Q(street__icontains=match["street"], house_number__iexact=match["number"])
    return queryset.filter(Q(reference__icontains=term) | Exists(parties.filter(party_match)))


# --- Keyset pagination ----------------------------------------------------------------


# The case list's export of a selection: what a case is, never who is in it. Each field is
# non-personal in the registry (tests/cases/test_case_edits.py checks it), and staff and
# volunteer names stay out too: the file travels further than the page.
EXPORT_FIELDS = (
    "reference",
    "reported_on",
    "status",
    "channel",
    "referrer_organisation",
    "neighbourhood",
    "conflict_types",
    "is_urgent",
    "is_complex",
    "closed_at",
    "outcome",
)


def case_export_rows(cases: QuerySet[Case]) -> tuple[list[str], list[list]]:
    """Header and rows for the export of `cases` (already scoped by the gateway), in two queries."""
    cases = (
        Case.objects.filter(pk__in=cases.order_by().values("pk"))
        .select_related("referrer_organisation", "neighbourhood", "outcome")
        .prefetch_related("conflict_types")
        .order_by("reference")
    )
    header = [str(Case._meta.get_field(name).verbose_name) for name in EXPORT_FIELDS]
    rows = [[readable_value(case, name, as_text=True) for name in EXPORT_FIELDS] for case in cases]
    return header, rows


# --- Correcting conversations (#18) --------------------------------------------------------


def mediator_is_assigned(user: User | AnonymousUser, case: Case) -> bool:
    """Whether the user is, as a mediator, assigned to this case now (one query)."""
    profile = getattr(user, "mediator_profile", None)
    return profile is not None and case.assignments.filter(mediator=profile, ended_on__isnull=True).exists()


def may_add_to_case(user: User | AnonymousUser, case: Case, *, assigned: bool | None = None) -> bool:
    """The one rule for who may add to a case's record: log a conversation or write a note.

    A coordinator of the case's service; or a mediator assigned to the case now, while it
    is open. Nobody once the case is anonymised. `assigned` (is the user assigned to the
    case now) is for pages that ask about many conversations at once; looked up when None.
    """
    if not getattr(user, "is_authenticated", False) or case.anonymised_at is not None:
        return False
    if Case.objects.whole_service_of(user) == case.service_id:
        return True
    if not user.has_perm(PERM_MEDIATE) or not case.is_open or case.service_id != user.service_id:
        return False
    return mediator_is_assigned(user, case) if assigned is None else assigned


def notes_for_case_page(user: User, case: Case) -> list:
    """The free notes a mediator's case page shows: their own, newest first.

    Notes are seen like conversation reports: coordinators read every note in the
    timeline; a mediator the notes they wrote, never a colleague's or the coordinator's.
    """
    return list(case.events.filter(kind=EventKind.NOTE, actor=user).order_by("-created_at", "-pk"))


def may_correct_conversation(
    user: User | AnonymousUser, conversation: Conversation, *, assigned: bool | None = None
) -> bool:
    """The one rule for who may correct a conversation (its report, date, who took part).

    Whoever may add to the case (may_add_to_case): a coordinator of its service; or the
    mediator who logged it, when they took part in it (so it is one their own case page
    shows). The view, the case page's "Corrigeren" link and services.conversation_correct
    all ask here.
    """
    case = conversation.case
    if not may_add_to_case(user, case, assigned=assigned):
        return False
    if Case.objects.whole_service_of(user) == case.service_id:
        return True
    profile = getattr(user, "mediator_profile", None)
    return (
        profile is not None
        and conversation.author_id == user.pk
        and any(mediator.pk == profile.pk for mediator in conversation.mediators.all())
    )


def conversations_for_case_page(
    user: User | AnonymousUser, case: Case, *, assigned: bool | None = None
) -> list[Conversation]:
    """The conversations a case page shows this user, each with `may_correct` set.

    Coordinators see every conversation with its earlier versions (`history`, newest
    first; prefetched, so the page makes the same number of queries however many there
    are); a mediator sees the conversations they took part in, and no earlier versions.
    """
    conversations = case.conversations.select_related("author")
    coordinator = Case.objects.whole_service_of(user) == case.service_id
    if coordinator:
        conversations = conversations.prefetch_related(
            "mediators",
            "parties",
            "agreements",
            Prefetch("revisions", queryset=ConversationRevision.objects.select_related("revised_by")),
        )
        assigned = False
    else:
        profile = getattr(user, "mediator_profile", None)
        if profile is None:
            return []
        conversations = (
            conversations.filter(mediators=profile).distinct().prefetch_related("mediators", "parties", "agreements")
        )
        if assigned is None:
            assigned = mediator_is_assigned(user, case)
    found = list(conversations)
    for conversation in found:
        conversation.may_correct = may_correct_conversation(user, conversation, assigned=assigned)
        conversation.history = list(conversation.revisions.all()) if coordinator else []
    return found
