"""The figures a service owes its municipality (Cijfers), as database aggregates.

Every number is a COUNT (plain, conditional with ``filter=Q(...)``, or grouped with
``values().annotate()``) over the same rows the case pages show: `Case`, its timeline,
assignments and conversations, and the partner collaboration records. There is no
separate tally. Anonymised cases keep every field counted here (cases/privacy.py), so they
still count. No code loops over cases: the lead-time percentiles on SQLite read one list of
integers (day differences) from the database; on PostgreSQL ``percentile_cont`` computes
them in the database. Both give the same numbers (linear interpolation).

Scope: one service (the coordinator's own), a period of calendar days in Europe/Amsterdam
(both ends included), and optionally one municipality: ``case.neighbourhood.municipality``.
Cases without a neighbourhood count only in the figures for the whole service.

Which date puts something in the period
----------------------------------------
- Received (reports; by channel, referrer type, conflict type, neighbourhood, tenure of the
  reporter; the monthly line): ``reported_on`` in the period.
- Suitability (suitable, unsuitable with reasons, picked up): ``suitability_decided_at`` in
  the period. "Suitable" is the workflow step "Geschikt, opgepakt", so a suitable case is a
  picked-up case; "waarvan bemiddelaars ingezet" adds those that (by now) had a mediator.
- Closed (by category and outcome, resolved, success rate, the monthly line): status
  ``closed`` and ``closed_at`` in the period. Unsuitable cases also get a ``closed_at``, but
  they count as unsuitable, not as closed.
- Reopened: a timeline event from closed or unsuitable back to intake, in the period.
- Lead times, each in the period of the milestone it ends with: report -> first contact
  (``first_contact_at`` in the period), report -> picked up (suitable decision in the
  period), report -> closed (closed in the period). Calendar days from ``reported_on`` to
  the local date of the milestone; median and 90th percentile.
- Open cases by status, standby cases whose review date has come, follow-ups due: now,
  whatever the period (the same rules as the coordinator's work queue).
- Mediators: active now; assignments with ``started_on`` in the period ("new cases");
  conversations with ``held_on`` in the period.
- Agreements judged at follow-up (kept, partly kept, not kept): ``kept_judged_on`` in the
  period, the day the judgement was recorded, whatever became of the case since (an
  agreement judged again counts with its latest judgement, on its new day). Not by the
  case's closing: a judgement is made in mediation or at follow-up, before the case closes,
  and a case still open has judged agreements too.
- Partner collaborations: consultations (``held_on``), pre-trajectories (``started_on``),
  accompaniments (``started_on``) and joint visits (``visited_on``) in the period. These are
  counted for the whole service: a consultation has no address, so no municipality.

Reopened cases and standby
--------------------------
A case row holds only its latest suitability decision and closing: `case_transition`
clears them when a case is reopened (the earlier ones stay in the timeline). So a reopened
case counts once as received (its original ``reported_on``), with its latest decision and
closing in the periods where those fall, and as open while it is open again. Its lead time
to closing runs from the original report. A period's figures can therefore change when one
of its cases is reopened later; the "reopened" count shows how often that happens. A case
that went to standby and back keeps its first contact; its new suitability decision
replaces an earlier one.

Success rate (the national definition)
--------------------------------------
Resolved cases as a share of the suitable cases: of the cases closed in the period after a
decision "suitable", the share whose outcome counts as resolved. A case closed without ever
being judged suitable (for instance from standby) is in neither number.

Queries and indexes
-------------------
`figures_for` runs a fixed number of queries however much data there is (guarded in
tests/cases/test_figures.py). Each reads its rows through an index on (service, date):
``case_service_reported_idx`` (received), ``case_service_suitability_idx`` (decided),
``case_service_closed_idx`` (closed), ``case_service_contact_idx`` (first contact),
``case_service_status_idx`` (open now), ``conversation_service_date_idx`` (conversations
carry their case's service for this), ``agreement_service_judged_idx`` (agreements carry it
too), ``assignment_mediator_start_idx`` (through the
service's mediators), ``caseevent_reopened_idx`` (partial: reopen events only) and the
collaborations' (service, date) indexes. Indexes on a date alone are left out on purpose:
PostgreSQL preferred them and then filtered out every other service's rows (34 ms instead
of 3 ms for the conversations at the largest bench service). bench/explain.py shows the
plans at a million cases.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.models import MediationService, Municipality, Neighbourhood
from cases.constants import (
    ENDED_STATUSES,
    OPEN_STATUSES,
    AgreementKept,
    CaseStatus,
    Channel,
    ConversationKind,
    EventKind,
    OutcomeCategory,
    Side,
    Tenure,
)
from cases.models import (
    Agreement,
    Assignment,
    Case,
    CaseEvent,
    ConflictType,
    Conversation,
    Outcome,
    Party,
    UnsuitabilityReason,
)
from organisations.models import MediatorProfile
from partners.models import Accompaniment, Consultation, JointVisit, PreTrajectory
from reports.models import (
    REFERRER_KIND_CHOICES,
    REFERRER_SELF,
    NationalCategory,
    NationalCategoryMapping,
    NationalDimension,
)

# --- Period and scope -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A range of calendar days, both ends included."""

    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        start = dt.date(year, 3 * quarter - 2, 1)
        end = _add_months(start, 3) - dt.timedelta(days=1)
        return cls(start, end, _("%(quarter)se kwartaal %(year)s") % {"quarter": quarter, "year": year})

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> "Period":
        label = _("%(start)s t/m %(end)s") % {
            "start": formats.date_format(start, "j F Y"),
            "end": formats.date_format(end, "j F Y"),
        }
        return cls(start, end, label)

    @property
    def start_at(self) -> dt.datetime:
        """The first moment of the period, in the current time zone (Europe/Amsterdam)."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_before(self) -> dt.datetime:
        """The first moment after the period."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        month, months = self.start.replace(day=1), []
        while month <= self.end:
            months.append(month)
            month = _add_months(month, 1)
        return months


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Scope:
    """Whose figures: one service, a period, optionally one municipality of the service."""

    service: MediationService
    period: Period
    municipality: Municipality | None = None

    def cases(self):
        cases = Case.objects.filter(service_id=self.service.pk)
        if self.municipality is not None:
            cases = cases.filter(neighbourhood__municipality_id=self.municipality.pk)
        return cases

    def in_municipality(self, prefix: str = "") -> Q:
        """The municipality condition on a related case (``prefix`` is e.g. ``"case__"``)."""
        if self.municipality is None:
            return Q()
        return Q(**{f"{prefix}neighbourhood__municipality_id": self.municipality.pk})

    # Which date puts a case in the period, per figure (see the module docstring).
    def received(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}reported_on__gte": self.period.start, f"{prefix}reported_on__lte": self.period.end})

    def decided(self, prefix: str = "") -> Q:
        return self._moment(f"{prefix}suitability_decided_at")

    def closed(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}status": CaseStatus.CLOSED}) & self._moment(f"{prefix}closed_at")

    def first_contact(self, prefix: str = "") -> Q:
        return self._moment(f"{prefix}first_contact_at")

    def _moment(self, name: str) -> Q:
        # A range on the stored (UTC) value, so the index on it can be used.
        return Q(**{f"{name}__gte": self.period.start_at, f"{name}__lt": self.period.end_before})

    def days(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.period.start, f"{name}__lte": self.period.end})


# --- Database helpers -------------------------------------------------------------------


class DaysBetween(Func):
    """Calendar days from one date to another, as an integer, on PostgreSQL and SQLite."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "  # PostgreSQL: date - date is an integer number of days

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation), e.g. 0.5 for the median."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile_cont(sorted_values: list[int], fraction: float) -> float | None:
    """The same interpolation as PostgreSQL's percentile_cont, over a sorted list."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (position - lower)


def _one_decimal(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _count_rows(queryset, key: str) -> dict:
    """``{value of key: count}`` from a ``values(key).annotate(n=Count(...))`` queryset."""
    return {row[key]: row["n"] for row in queryset}


# --- What the page, the exports and the tests share --------------------------------------


@dataclass(frozen=True)
class Row:
    """One number: its section, a stable key within the section, the label, the value."""

    section: str
    key: str
    label: str
    value: int | float | None

    @property
    def display(self) -> str:
        return display_number(self.value)


def display_number(value) -> str:
    """A figure as the page shows it: "–" for none, one decimal (localised) for a fraction."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return formats.number_format(value, 1)
    return str(value)


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    def add(self, key, label, value) -> None:
        self.rows.append(Row(self.key, str(key), str(label), value))

    def row(self, key) -> Row:
        return next(row for row in self.rows if row.key == str(key))

    def get(self, key):
        return self.row(key).value


@dataclass(frozen=True)
class LeadTime:
    key: str
    label: str
    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date
    label: str
    received: int
    closed: int


@dataclass
class Figures:
    scope: Scope
    today: dt.date
    sections: dict[str, Section]
    lead_times: list[LeadTime]
    months: list[MonthPoint]

    def __getitem__(self, key: str) -> Section:
        return self.sections[key]

    @property
    def success_rate(self) -> float | None:
        return self["closed"].get("success_rate")

    def rows(self) -> list[Row]:
        """Every number, in page order: what the exports write and the tests check."""
        return [row for section in self.sections.values() for row in section.rows]


TITLES = {
    "received": _("Meldingen"),
    "channel": _("Meldingen per kanaal"),
    "referrer": _("Meldingen per soort verwijzer"),
    "conflict_type": _("Meldingen per soort conflict"),
    "neighbourhood": _("Meldingen per wijk"),
    "tenure": _("Meldingen per woonsituatie van de melder"),
    "suitability": _("Geschiktheid"),
    "unsuitability_reason": _("Niet geschikt: redenen"),
    "closed": _("Afgesloten"),
    "outcome_category": _("Afgesloten per uitkomstcategorie"),
    "outcome": _("Afgesloten per uitkomst"),
    "lead_time": _("Doorlooptijden in kalenderdagen"),
    "monthly_received": _("Meldingen per maand"),
    "monthly_closed": _("Afgesloten zaken per maand"),
    "open": _("Lopende zaken nu, per status"),
    "attention": _("Nu aan de beurt"),
    "mediators": _("Bemiddelaars"),
    "mediator_load": _("Bemiddelaars naar aantal nieuwe zaken"),
    "conversation": _("Gevoerde gesprekken"),
    "agreements": _("Afspraken beoordeeld bij nazorg"),
    "collaboration": _("Samenwerking met partners"),
}

# The one place these explanations live: the page shows them, the Excel export includes them.
DEFINITIONS = [
    (
        _("Meldingen"),
        _(
            "Zaken met een meldingsdatum in de periode. Een zaak zonder verwijzende organisatie "
            "(zelfmelding, of een bewoner die zelf belt of langskomt) telt als zelfmelder. Een zaak kan "
            "meer soorten conflict hebben en telt dan bij elke soort. De woonsituatie is die van de melder "
            "(partij A)."
        ),
    ),
    (
        _("Geschikt en niet geschikt"),
        _(
            "Zaken waarover in de periode is besloten of ze geschikt zijn. Geschikt bevonden is ook "
            "opgepakt (de stap 'Geschikt, opgepakt'). Telt de laatste beslissing: een heropende zaak "
            "telt opnieuw mee als er opnieuw is besloten."
        ),
    ),
    (
        _("Afgesloten"),
        _(
            "Zaken met de status afgesloten en een afsluitdatum in de periode, naar uitkomst. Niet "
            "geschikte zaken tellen bij niet geschikt, niet hier."
        ),
    ),
    (
        _("Slagingspercentage"),
        _(
            "De landelijke definitie: opgeloste zaken als aandeel van de geschikte zaken. Van de zaken "
            "die in de periode zijn afgesloten na het besluit 'geschikt', het deel met een uitkomst die "
            "als opgelost telt."
        ),
    ),
    (
        _("Heropend"),
        _(
            "Zaken die in de periode van afgesloten of niet geschikt terug naar intake gingen. Een "
            "heropende zaak telt één keer als melding, en met haar laatste besluit en afsluiting; "
            "zolang ze weer loopt, telt ze als lopend."
        ),
    ),
    (
        _("Doorlooptijden"),
        _(
            "Kalenderdagen van de meldingsdatum tot de dag van eerste contact, het besluit geschikt "
            "(opgepakt) of het afsluiten; elk over de zaken waarbij die stap in de periode viel. Mediaan en "
            "90e percentiel (lineair geïnterpoleerd). Bij een heropende zaak loopt de tijd tot afsluiten "
            "vanaf de oorspronkelijke melding."
        ),
    ),
    (
        _("Nu"),
        _("Lopende zaken, standby en nazorg zijn de stand van vandaag, los van de gekozen periode."),
    ),
    (
        _("Bemiddelaars en gesprekken"),
        _(
            "Actieve bemiddelaars vandaag; nieuwe zaken zijn toewijzingen die in de periode begonnen; "
            "gesprekken met een datum in de periode."
        ),
    ),
    (
        _("Afspraken"),
        _(
            "Afspraken waarvan in de periode is vastgelegd of ze zijn nagekomen (de dag van de beoordeling, "
            "bij nazorg of in de bemiddeling), ook als de zaak nog loopt. Een afspraak die opnieuw is "
            "beoordeeld, telt met haar laatste beoordeling op die dag."
        ),
    ),
    (
        _("Samenwerking met partners"),
        _(
            "Consultaties, voortrajecten, begeleidingen en gezamenlijke huisbezoeken met een (start)datum "
            "in de periode, voor de hele organisatie (niet per gemeente)."
        ),
    ),
    (
        _("Gemeente"),
        _("Per gemeente tellen de zaken in een wijk van die gemeente; zaken zonder wijk alleen in het totaal."),
    ),
]

LEAD_TIMES = [
    ("first_contact", _("Melding → eerste contact"), "first_contact_at"),
    ("picked_up", _("Melding → geschikt, opgepakt"), "suitability_decided_at"),
    ("closed", _("Melding → afgesloten"), "closed_at"),
]

MEDIATOR_LOAD_BUCKETS = [
    ("0", _("geen nieuwe zaak")),
    ("1", _("1 nieuwe zaak")),
    ("2", _("2 nieuwe zaken")),
    ("3", _("3 nieuwe zaken")),
    ("4+", _("4 of meer nieuwe zaken")),
]

COLLABORATION_KINDS = [
    ("consultation", _("Consultaties")),
    ("pre_trajectory", _("Voortrajecten")),
    ("accompaniment", _("Begeleidingen")),
    ("joint_visit", _("Gezamenlijke huisbezoeken")),
]

NO_VALUE = "none"
FOLLOW_UP_STATUSES = [CaseStatus.IN_MEDIATION, CaseStatus.FOLLOW_UP]


# --- The figures ------------------------------------------------------------------------


def figures_for(scope: Scope, *, today: dt.date | None = None) -> Figures:
    """All figures for one scope, in a fixed number of queries."""
    today = today or timezone.localdate()
    sections = {key: Section(key, str(title)) for key, title in TITLES.items()}
    counts = _case_counts(scope, today=today)

    sections["received"].add("total", _("Meldingen ontvangen"), counts["received"])
    for value, label in Channel.choices:
        sections["channel"].add(value, label, counts[f"channel_{value}"])
    _referrers(scope, sections["referrer"])
    _conflict_types(scope, sections["conflict_type"], without=counts["without_conflict_type"])
    _neighbourhoods(scope, sections["neighbourhood"], without=counts["without_neighbourhood"])
    _tenures(scope, sections["tenure"])

    suitability = sections["suitability"]
    suitability.add("suitable", _("Geschikt bevonden (opgepakt)"), counts["suitable"])
    suitability.add("with_mediators", _("waarvan bemiddelaars ingezet"), counts["with_mediators"])
    suitability.add("unsuitable", _("Niet geschikt bevonden"), counts["unsuitable"])
    suitability.add("reopened", _("Heropend"), _reopened(scope))
    _reference_counts(
        UnsuitabilityReason.objects.filter(service_id=scope.service.pk),
        _cases_per(scope.cases().filter(scope.decided(), is_suitable=False), "unsuitability_reason_id"),
        sections["unsuitability_reason"],
    )

    closed = sections["closed"]
    closed.add("total", _("Afgesloten"), counts["closed"])
    closed.add("resolved", _("waarvan opgelost (alle afgesloten zaken)"), counts["resolved"])
    closed.add("suitable_closed", _("Afgesloten na besluit geschikt"), counts["suitable_closed"])
    closed.add(
        "suitable_resolved", _("waarvan opgelost (telt voor het slagingspercentage)"), counts["suitable_resolved"]
    )
    rate = 100 * counts["suitable_resolved"] / counts["suitable_closed"] if counts["suitable_closed"] else None
    closed.add("success_rate", _("Slagingspercentage (%)"), _one_decimal(rate))
    for value, label in OutcomeCategory.choices:
        sections["outcome_category"].add(value, label, counts[f"category_{value}"])
    _reference_counts(
        Outcome.objects.filter(service_id=scope.service.pk),
        _cases_per(scope.cases().filter(scope.closed()), "outcome_id"),
        sections["outcome"],
    )

    lead_times = [_lead_time(scope, key, label, milestone) for key, label, milestone in LEAD_TIMES]
    for lead in lead_times:
        sections["lead_time"].add(f"{lead.key}.count", _("%(step)s: aantal zaken") % {"step": lead.label}, lead.count)
        sections["lead_time"].add(f"{lead.key}.median", _("%(step)s: mediaan") % {"step": lead.label}, lead.median)
        sections["lead_time"].add(f"{lead.key}.p90", _("%(step)s: 90e percentiel") % {"step": lead.label}, lead.p90)

    months = _months(scope)
    for point in months:
        sections["monthly_received"].add(point.month.strftime("%Y-%m"), point.label, point.received)
        sections["monthly_closed"].add(point.month.strftime("%Y-%m"), point.label, point.closed)

    for value in OPEN_STATUSES:
        sections["open"].add(value, CaseStatus(value).label, counts[f"open_{value}"])
    sections["open"].add("total", _("Lopend totaal"), counts["open"])
    sections["attention"].add("standby_review_due", _("Standby, herbeoordeling nu aan de beurt"), counts["standby_due"])
    sections["attention"].add("follow_up_due", _("Nazorg nu aan de beurt"), counts["follow_up_due"])

    _mediators(scope, sections["mediators"], sections["mediator_load"])
    _conversations(scope, sections["conversation"])
    _agreements(scope, sections["agreements"])
    _collaborations(scope, sections["collaboration"])
    if scope.municipality is not None:
        sections["collaboration"].note = str(
            _("Voor de hele organisatie: samenwerking is niet per gemeente te tellen.")
        )
    return Figures(scope=scope, today=today, sections=sections, lead_times=lead_times, months=months)


def _case_counts(scope: Scope, *, today: dt.date) -> dict:
    """Everything countable on the case row itself: one aggregate per date that puts a case
    in a figure (received, decided, closed, open now).

    Each aggregate reads only its own rows through its own index on (service, date); one
    aggregate over the union of the four made PostgreSQL scan all of a service's cases.
    """
    has_conflict_type = Exists(Case.conflict_types.through.objects.filter(case_id=OuterRef("pk")))
    has_mediator = Exists(Assignment.objects.filter(case_id=OuterRef("pk")))
    resolved = Q(outcome__counts_as_resolved=True)
    suitable = Q(is_suitable=True)
    received = {
        "received": Count("pk"),
        "without_conflict_type": Count("pk", filter=~has_conflict_type),
        "without_neighbourhood": Count("pk", filter=Q(neighbourhood__isnull=True)),
        **{f"channel_{value}": Count("pk", filter=Q(channel=value)) for value in Channel.values},
    }
    decided = {
        "suitable": Count("pk", filter=suitable),
        "with_mediators": Count("pk", filter=suitable & has_mediator),
        "unsuitable": Count("pk", filter=Q(is_suitable=False)),
    }
    closed = {
        "closed": Count("pk"),
        "resolved": Count("pk", filter=resolved),
        "suitable_closed": Count("pk", filter=suitable),
        "suitable_resolved": Count("pk", filter=suitable & resolved),
        **{f"category_{value}": Count("pk", filter=Q(outcome__category=value)) for value in OutcomeCategory.values},
    }
    open_now = {
        "open": Count("pk"),
        "standby_due": Count("pk", filter=Q(status=CaseStatus.STANDBY, standby_review_on__lte=today)),
        "follow_up_due": Count("pk", filter=Q(status__in=FOLLOW_UP_STATUSES, follow_up_due_on__lte=today)),
        **{f"open_{value}": Count("pk", filter=Q(status=value)) for value in OPEN_STATUSES},
    }
    cases = scope.cases().order_by()
    return {
        **cases.filter(scope.received()).aggregate(**received),
        **cases.filter(scope.decided()).aggregate(**decided),
        **cases.filter(scope.closed()).aggregate(**closed),
        **cases.filter(status__in=OPEN_STATUSES).aggregate(**open_now),
    }


def _referrers(scope: Scope, section: Section) -> None:
    kind = Coalesce("referrer_organisation__kind", Value(REFERRER_SELF))
    counts = _count_rows(
        scope.cases().filter(scope.received()).order_by().values(kind=kind).annotate(n=Count("pk")), "kind"
    )
    for value, label in REFERRER_KIND_CHOICES:
        section.add(value, label, counts.get(value, 0))


def _cases_per(cases, key: str) -> dict:
    """``{key: number of cases}`` for these cases, grouped in the database.

    The cases are narrowed first (service and period, by index) and then grouped: counting
    from the reference list's side would join every case the service ever had.
    """
    return _count_rows(cases.order_by().values(key).annotate(n=Count("pk")), key)


def _reference_counts(items, counts: dict, section: Section) -> None:
    """Counts per item of a per-service reference list, in its order; inactive items only when used."""
    for item in items.order_by("position", "name"):
        if item.is_active or counts.get(item.pk):
            section.add(item.pk, item.label, counts.get(item.pk, 0))


def _conflict_types(scope: Scope, section: Section, *, without: int) -> None:
    links = Case.conflict_types.through.objects.filter(
        Q(case__service_id=scope.service.pk) & scope.received("case__") & scope.in_municipality("case__")
    )
    counts = _count_rows(links.order_by().values("conflicttype_id").annotate(n=Count("case_id")), "conflicttype_id")
    _reference_counts(ConflictType.objects.filter(service_id=scope.service.pk), counts, section)
    section.add(NO_VALUE, _("Niet vastgelegd"), without)
    section.note = str(_("Een zaak kan meer soorten conflict hebben en telt dan bij elke soort."))


def _neighbourhoods(scope: Scope, section: Section, *, without: int) -> None:
    neighbourhoods = Neighbourhood.objects.filter(service_id=scope.service.pk)
    if scope.municipality is not None:
        neighbourhoods = neighbourhoods.filter(municipality_id=scope.municipality.pk)
    counts = _cases_per(scope.cases().filter(scope.received(), neighbourhood__isnull=False), "neighbourhood_id")
    for neighbourhood in neighbourhoods.order_by("name"):
        if neighbourhood.is_active or counts.get(neighbourhood.pk):
            section.add(neighbourhood.pk, neighbourhood.name, counts.get(neighbourhood.pk, 0))
    if scope.municipality is None:
        section.add(NO_VALUE, _("Geen wijk vastgelegd"), without)


def _tenures(scope: Scope, section: Section) -> None:
    # The reporter on side A; with several households there, the first reporter.
    reporter = Party.objects.filter(case_id=OuterRef("pk"), side=Side.A).order_by("-is_reporter", "id")
    counts = _count_rows(
        scope.cases()
        .filter(scope.received())
        .annotate(reporter_tenure=Subquery(reporter.values("tenure")[:1]))
        .order_by()
        .values("reporter_tenure")
        .annotate(n=Count("pk")),
        "reporter_tenure",
    )
    for value, label in Tenure.choices:
        section.add(value, label, counts.get(value, 0))


def _reopened(scope: Scope) -> int:
    return (
        CaseEvent.objects.filter(
            scope.in_municipality("case__"),
            case__service_id=scope.service.pk,
            kind=EventKind.STATUS_CHANGED,
            from_status__in=ENDED_STATUSES,
            to_status=CaseStatus.INTAKE,
            created_at__gte=scope.period.start_at,
            created_at__lt=scope.period.end_before,
        )
        .order_by()
        .aggregate(n=Count("case_id", distinct=True))["n"]
    )


def _lead_time(scope: Scope, key: str, label, milestone: str) -> LeadTime:
    conditions = {
        "first_contact": scope.first_contact(),
        "picked_up": scope.decided() & Q(is_suitable=True),
        "closed": scope.closed(),
    }
    cases = scope.cases().filter(conditions[key]).order_by()
    days = DaysBetween(TruncDate(milestone), F("reported_on"))
    if connections[cases.db].vendor == "postgresql":
        result = cases.aggregate(n=Count("pk"), median=PercentileCont(days, 0.5), p90=PercentileCont(days, 0.9))
        count, median, p90 = result["n"], result["median"], result["p90"]
    else:
        # SQLite has no percentile function: one list of integers, sorted by the database.
        values = list(cases.annotate(days=days).order_by("days").values_list("days", flat=True))
        count, median, p90 = len(values), percentile_cont(values, 0.5), percentile_cont(values, 0.9)
    return LeadTime(key, str(label), count, _one_decimal(median), _one_decimal(p90))


def _months(scope: Scope) -> list[MonthPoint]:
    received = _count_rows(
        scope.cases()
        .filter(scope.received())
        .order_by()
        .values(month=TruncMonth("reported_on"))
        .annotate(n=Count("pk")),
        "month",
    )
    closed = {
        timezone.localtime(month).date() if isinstance(month, dt.datetime) else month: n
        for month, n in _count_rows(
            scope.cases()
            .filter(scope.closed())
            .order_by()
            .values(month=TruncMonth("closed_at"))
            .annotate(n=Count("pk")),
            "month",
        ).items()
    }
    return [
        MonthPoint(month, formats.date_format(month, "F Y"), received.get(month, 0), closed.get(month, 0))
        for month in scope.period.months()
    ]


def _mediators(scope: Scope, section: Section, load: Section) -> None:
    # Assignments started in the period, by the service's mediators (a mediator works only
    # for their own service), read through the (mediator, started_on) index.
    started = (
        Assignment.objects.filter(scope.days("started_on"), scope.in_municipality("case__"))
        .filter(mediator__service_id=scope.service.pk)
        .order_by()
    )

    # New cases and assignments per mediator, grouped in the database; a few dozen rows.
    per_mediator = {
        row["mediator_id"]: row
        for row in started.values("mediator_id").annotate(new_cases=Count("case_id", distinct=True), n=Count("pk"))
    }
    active = set(
        MediatorProfile.objects.filter(service_id=scope.service.pk, is_active=True).values_list("pk", flat=True)
    )
    # Active mediators and anyone who got a case in the period, by their number of new cases.
    loads = [per_mediator[pk]["new_cases"] if pk in per_mediator else 0 for pk in active | per_mediator.keys()]
    result = {
        "active": len(active),
        "assignments": sum(row["n"] for row in per_mediator.values()),
        **{
            f"load_{key}": sum(1 for n in loads if (n >= 4 if key == "4+" else n == int(key)))
            for key, _label in MEDIATOR_LOAD_BUCKETS
        },
    }
    cases = started.aggregate(n=Count("case_id", distinct=True))["n"]
    section.add("active", _("Actieve bemiddelaars"), result["active"])
    section.add("assignments", _("Nieuwe toewijzingen"), result["assignments"])
    section.add("cases", _("Zaken met een nieuwe toewijzing"), cases)
    for key, label in MEDIATOR_LOAD_BUCKETS:
        load.add(key, label, result[f"load_{key}"])
    load.note = str(_("Actieve bemiddelaars, en wie in de periode nog een zaak kreeg, naar het aantal nieuwe zaken."))


def _conversations(scope: Scope, section: Section) -> None:
    counts = (
        Conversation.objects.filter(scope.in_municipality("case__"), service_id=scope.service.pk)
        .filter(scope.days("held_on"))
        .order_by()
        .aggregate(total=Count("pk"), **{value: Count("pk", filter=Q(kind=value)) for value in ConversationKind.values})
    )
    for value, label in ConversationKind.choices:
        section.add(value, label, counts[value])
    section.add("total", _("Gesprekken totaal"), counts["total"])


def _agreements(scope: Scope, section: Section) -> None:
    """Agreements judged in the period (``kept_judged_on``), by judgement; one aggregate
    through (service, kept_judged_on), as agreements carry their case's service."""
    judged = [value for value in AgreementKept.values if value != AgreementKept.NOT_JUDGED]
    counts = (
        Agreement.objects.filter(scope.in_municipality("case__"), service_id=scope.service.pk)
        .filter(scope.days("kept_judged_on"))
        .order_by()
        .aggregate(total=Count("pk"), **{f"n_{value}": Count("pk", filter=Q(kept=value)) for value in judged})
    )
    section.add("total", _("Afspraken beoordeeld"), counts["total"])
    for value in judged:
        section.add(value, AgreementKept(value).label, counts[f"n_{value}"])
    section.note = str(_("Naar de dag waarop is vastgelegd of de afspraak is nagekomen."))


def _collaborations(scope: Scope, section: Section) -> None:
    def count(model, day_field):
        rows = model.objects.filter(service_id=OuterRef("pk")).filter(scope.days(day_field)).order_by()
        return Coalesce(
            Subquery(rows.values("service_id").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
            0,
        )

    counts = (
        MediationService.objects.filter(pk=scope.service.pk)
        .annotate(
            consultation=count(Consultation, "held_on"),
            pre_trajectory=count(PreTrajectory, "started_on"),
            accompaniment=count(Accompaniment, "started_on"),
            joint_visit=count(JointVisit, "visited_on"),
        )
        .values(*[key for key, _label in COLLABORATION_KINDS])
        .get()
    )
    for key, label in COLLABORATION_KINDS:
        section.add(key, label, counts[key])


# --- National benchmark -----------------------------------------------------------------

UNMAPPED = "ONGEKOPPELD"
KEY_FIGURES = "key_figures"


@dataclass(frozen=True)
class BenchmarkRow:
    dimension: str
    dimension_label: str
    code: str
    label: str
    count: int


def benchmark_for(scope: Scope) -> list[BenchmarkRow]:
    """Anonymous counts per national code, through the service's mapping (no personal data).

    Per dimension: each national category (0 when nothing maps onto it) and one row
    ``ONGEKOPPELD`` for what the service has not mapped (or, for conflict types, not recorded).
    Plus the key figures, which are national definitions already.
    """
    service_mappings = NationalCategoryMapping.objects.filter(service_id=scope.service.pk)
    received = scope.cases().filter(scope.received()).order_by()

    def mapped(source: str, outer: str):
        return Subquery(service_mappings.filter(**{source: OuterRef(outer)}).values("national_category__code")[:1])

    per_dimension = {
        NationalDimension.CONFLICT_TYPE: received.values(
            code=F("conflict_types__national_mappings__national_category__code")
        ).annotate(n=Count("pk", distinct=True)),
        NationalDimension.OUTCOME: scope.cases()
        .filter(scope.closed())
        .order_by()
        .values(code=F("outcome__national_mappings__national_category__code"))
        .annotate(n=Count("pk")),
        NationalDimension.REFERRER: received.annotate(
            kind=Coalesce("referrer_organisation__kind", Value(REFERRER_SELF))
        )
        .values(code=mapped("referrer_kind", "kind"))
        .annotate(n=Count("pk")),
        NationalDimension.CHANNEL: received.values(code=mapped("channel", "channel")).annotate(n=Count("pk")),
    }
    categories = list(NationalCategory.objects.order_by("dimension", "position", "code"))
    key = _key_figures(scope)
    rows = [BenchmarkRow(KEY_FIGURES, str(_("Kerncijfers")), code, str(label), key[code]) for code, label in KEY_CODES]
    for dimension, queryset in per_dimension.items():
        counts = _count_rows(queryset, "code")
        for category in categories:
            if category.dimension == dimension and (category.is_active or counts.get(category.code)):
                rows.append(
                    BenchmarkRow(
                        dimension, str(dimension.label), category.code, category.label, counts.get(category.code, 0)
                    )
                )
        known = {category.code for category in categories if category.dimension == dimension}
        unmapped = sum(n for code, n in counts.items() if code not in known)
        rows.append(BenchmarkRow(dimension, str(dimension.label), UNMAPPED, str(_("Niet gekoppeld")), unmapped))
    return rows


KEY_CODES = [
    ("MELDINGEN", _("Meldingen ontvangen")),
    ("GESCHIKT", _("Geschikt bevonden")),
    ("NIET_GESCHIKT", _("Niet geschikt bevonden")),
    ("AFGESLOTEN", _("Afgesloten")),
    ("AFGESLOTEN_GESCHIKT", _("Afgesloten na besluit geschikt")),
    ("OPGELOST_GESCHIKT", _("Daarvan opgelost")),
]


def _key_figures(scope: Scope) -> dict:
    received, decided, closed = scope.received(), scope.decided(), scope.closed()
    suitable_closed = closed & Q(is_suitable=True)
    return (
        scope.cases()
        .filter(received | decided | closed)
        .order_by()
        .aggregate(
            MELDINGEN=Count("pk", filter=received),
            GESCHIKT=Count("pk", filter=decided & Q(is_suitable=True)),
            NIET_GESCHIKT=Count("pk", filter=decided & Q(is_suitable=False)),
            AFGESLOTEN=Count("pk", filter=closed),
            AFGESLOTEN_GESCHIKT=Count("pk", filter=suitable_closed),
            OPGELOST_GESCHIKT=Count("pk", filter=suitable_closed & Q(outcome__counts_as_resolved=True)),
        )
    )
