"""Fill the database with fictional demo data: two services, a user per role, partners, cases,
the four ways of working with partners, and a (fictional) national code list with each
service's mapping onto it.

Development only (refused when DEBUG is off). Idempotent: a second run changes nothing
but the demo passwords, which it sets again so the printed logins always work.
"""

import datetime as dt
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import (
    DEMO_PASSWORD,
    MediationServiceFactory,
    UserFactory,
)
from buurtbemiddeling.models import Municipality, Neighbourhood, PostcodeRange, User
from buurtbemiddeling.twofactor import backup_codes_renew, requires_second_factor
from cases.appointments import appointment_plan
from cases.constants import (
    AgreementKept,
    AppointmentKind,
    AppointmentPlace,
    CaseStatus,
    Channel,
    ConversationKind,
    OutcomeCategory,
    Side,
)
from cases.factories import party_data
from cases.models import Appointment, Assignment, Case, ConflictType, Outcome, UnsuitabilityReason
from cases.services import (
    agreement_judge,
    case_create,
    case_transition,
    conversation_log,
    mediator_assign,
    service_setup_reference_lists,
)
from organisations.constants import DayPart, OrganisationKind
from organisations.factories import MediatorProfileFactory, PartnerOrganisationFactory
from organisations.models import IntervisionAttendance, MediatorProfile
from partners.constants import DisclosureMethod, JointVisitOutcome
from partners.models import Accompaniment, Consultation, DisclosureConsent, JointVisit, PreTrajectory
from partners.services import (
    accompaniment_set_conversations,
    accompaniment_start,
    consultation_record,
    disclosure_consent_record,
    joint_visit_record,
    pre_trajectory_add_organisation,
    pre_trajectory_start,
)
from referrals.models import Referral
from reports.models import (
    REFERRER_KIND_CHOICES,
    REFERRER_SELF,
    NationalCategory,
    NationalCategoryMapping,
    NationalDimension,
)
from reports.services import letter_templates_set_up

# The RFC 6238 test key: fine for fictional demo users, never for real ones.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_KEY_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
DEMO_BACKUP_CODES = [f"demo{n:06d}" for n in range(1, 11)]

SERVICES = [
    {
        "name": "Buurtbemiddeling Rivierstad",
        "prefix": "RS",
        "slug": "rivierstad",
        "municipalities": {"Rivierstad": (7500, 7549), "Dijkdorp": (7550, 7559)},
        "neighbourhoods": ["Centrum", "Havenkwartier", "De Uiterwaarden", "Molenbuurt", "Dijkdorp"],
        "cases": 220,
    },
    {
        "name": "Buurtbemiddeling Heuvelland",
        "prefix": "HL",
        "slug": "heuvelland",
        "municipalities": {"Heuvelland": (6200, 6229)},
        "neighbourhoods": ["Bergwijk", "Oud-Zuid", "Kasteelpark"],
        "cases": 100,
    },
]

PARTNERS = {
    OrganisationKind.HOUSING_CORPORATION: "Woonstichting De Brug",
    OrganisationKind.POLICE: "Politie basisteam",
    OrganisationKind.MUNICIPALITY: "Gemeente, team Veiligheid",
    OrganisationKind.CARE_PROVIDER: "GGZ Rivierenland",
    OrganisationKind.SOCIAL_WORK: "Sociaal wijkteam",
    OrganisationKind.HOME_CARE: "Thuiszorg Samen",
    OrganisationKind.GENERAL_PRACTITIONER: "Huisartsenpraktijk Het Plein",
    OrganisationKind.NEIGHBOURHOOD_ORGANISATION: "Welzijn in de Wijk",
    OrganisationKind.MELDPUNT: "Meldpunt Zorg en Woonoverlast",
    OrganisationKind.SHELTER: "Stichting Onderdak",
    OrganisationKind.OTHER: "Stichting Overig",
}

# Share of demo cases per final status (roughly what a real service's files look like).
STATUS_MIX = [
    (CaseStatus.REGISTERED, 14),
    (CaseStatus.INTAKE, 10),
    (CaseStatus.STANDBY, 7),
    (CaseStatus.SUITABLE, 8),
    (CaseStatus.IN_MEDIATION, 14),
    (CaseStatus.FOLLOW_UP, 8),
    (CaseStatus.CLOSED, 29),
    (CaseStatus.UNSUITABLE, 10),
]
CHANNEL_MIX = [(Channel.SELF_REPORT, 45), (Channel.REFERRAL, 30), (Channel.PHONE, 17), (Channel.DESK, 8)]

# --- Working with partners (domain rule 6), all made through partners/services.py -------
# Names of professionals are invented; topics and notes hold no resident data.

CONSULTATIONS = [
    (
        OrganisationKind.POLICE,
        "Wijkagent Ruud Kamphorst",
        "Wanneer een burenruzie naar buurtbemiddeling kan in plaats van een melding",
        "Folders en het verwijsformulier naar het basisteam gestuurd.",
    ),
    (
        OrganisationKind.POLICE,
        "Wijkagent Noor El Amrani",
        "Signalen dat een conflict te ver is geëscaleerd voor bemiddeling",
        "",
    ),
    (
        OrganisationKind.HOUSING_CORPORATION,
        "Woonconsulent Marieke Dijkhuis",
        "Buurtbemiddeling voorstellen aan huurders die over geluid klagen",
        "Standaardtekst in de overlastbrief van de corporatie aangepast.",
    ),
    (
        OrganisationKind.HOUSING_CORPORATION,
        "Wijkbeheerder Tom Veldkamp",
        "Volgorde van stappen: eerst bemiddeling, dan pas een overlastdossier",
        "Afgesproken dat de corporatie eerst vraagt of bewoners met elkaar willen praten.",
    ),
    (
        OrganisationKind.SOCIAL_WORK,
        "Maatschappelijk werker Fenna Oosterhof",
        "Bemiddeling ter sprake brengen bij cliënten met veel spanning thuis",
        "",
    ),
    (
        OrganisationKind.SOCIAL_WORK,
        "Wijkcoach Daan Brinkers",
        "Eerst begeleiding, dan bemiddeling: samenwerken bij kwetsbare bewoners",
        "Samen een korte werkinstructie voor het wijkteam gemaakt.",
    ),
    (
        OrganisationKind.SOCIAL_WORK,
        "Wijkcoach Lotte Hazenberg",
        "Hoe je bewoners uitlegt dat bemiddeling vrijwillig en onpartijdig is",
        "",
    ),
]

# (lead, other organisations to choose one from, notes)
PRE_TRAJECTORIES = [
    (
        OrganisationKind.SOCIAL_WORK,
        [OrganisationKind.HOUSING_CORPORATION, OrganisationKind.MELDPUNT],
        "Het wijkteam werkt eerst aan schulden en dagstructuur; daarna bekijken we of bemiddeling kan.",
    ),
    (
        OrganisationKind.CARE_PROVIDER,
        [OrganisationKind.SOCIAL_WORK, OrganisationKind.HOME_CARE],
        "De GGZ start eerst behandeling; bemiddeling wacht tot de bewoner daar rust voor heeft.",
    ),
    (
        OrganisationKind.SOCIAL_WORK,
        [OrganisationKind.MUNICIPALITY, OrganisationKind.SHELTER],
        "Overleg in het zorg- en veiligheidsoverleg; de gemeente regelt eerst woonbegeleiding.",
    ),
]

CARE_WORKERS = ["Ilse Brouwer", "Jeroen Wubbels", "Sandra Mulderink", "Kees Harkema", "Yara Demirci"]

# (organisation, professional) pairs for joint home visits.
VISITORS = [
    (OrganisationKind.HOUSING_CORPORATION, "Woonconsulent Marieke Dijkhuis"),
    (OrganisationKind.POLICE, "Wijkagent Ruud Kamphorst"),
    (OrganisationKind.SOCIAL_WORK, "Wijkcoach Daan Brinkers"),
    (OrganisationKind.MUNICIPALITY, "Medewerker leefbaarheid Anouk Reinders"),
    (OrganisationKind.MELDPUNT, "Consulent Meldpunt Pieter Stegeman"),
]
VISIT_NOTES = {
    JointVisitOutcome.AGREES: "Bewoner wil meedoen; intake door bemiddelaars volgt.",
    JointVisitOutcome.DECLINES: "Bewoner wil nu geen bemiddeling; folder achtergelaten.",
    JointVisitOutcome.LATER: "Bewoner wil er eerst over nadenken; over enkele weken opnieuw bespreken.",
}

# --- A fictional national code list ------------------------------------------------------
# The official national code list is not public (cases/models.py, NationalCategory), so the
# demo invents one. NationalCategory has no field to say where a list comes from: every
# code starts with DEMO- so no export of the demo can pass for an official one.

DEMO_CODE_PREFIX = "DEMO-"
NATIONAL_CATEGORIES = {
    NationalDimension.CONFLICT_TYPE: [
        ("CONFLICT-GELUID", "Geluidsoverlast"),
        ("CONFLICT-INTIMIDATIE", "Intimidatie en pesten"),
        ("CONFLICT-ERF-TUIN", "Erfgrens, tuin en buitenruimte"),
        ("CONFLICT-HUISDIEREN", "Huisdieren"),
        ("CONFLICT-KINDEREN", "Overlast door kinderen"),
        ("CONFLICT-PARKEREN", "Parkeren"),
        ("CONFLICT-VERVUILING", "Vervuiling, stank en rook"),
        ("CONFLICT-VERNIELING", "Vernieling"),
        ("CONFLICT-LEEFSTIJL", "Leefstijl en leefgewoonten"),
        ("CONFLICT-OVERIG", "Overige conflicten"),
    ],
    NationalDimension.OUTCOME: [
        ("UITKOMST-OPGELOST", "Opgelost"),
        ("UITKOMST-DEELS", "Gedeeltelijk opgelost"),
        ("UITKOMST-NIET", "Niet opgelost"),
        ("UITKOMST-DOORVERWEZEN", "Doorverwezen"),
        ("UITKOMST-VANZELF", "Vanzelf opgelost of verhuisd"),
    ],
    NationalDimension.REFERRER: [
        ("VERWIJZER-ZELF", "Zelfmelder"),
        ("VERWIJZER-POLITIE", "Politie"),
        ("VERWIJZER-CORPORATIE", "Woningcorporatie"),
        ("VERWIJZER-GEMEENTE", "Gemeente en meldpunten"),
        ("VERWIJZER-ZORG", "Zorg en opvang"),
        ("VERWIJZER-SOCIAAL", "Sociaal domein en welzijn"),
        ("VERWIJZER-OVERIG", "Overige verwijzers"),
    ],
    NationalDimension.CHANNEL: [
        ("KANAAL-ONLINE", "Zelf gemeld via de website"),
        ("KANAAL-VERWIJZING", "Verwijzing"),
        ("KANAAL-TELEFOON", "Telefonisch"),
        ("KANAAL-BALIE", "Aan de balie"),
        ("KANAAL-OVERIG", "Anders"),
    ],
}
# A service's own categories onto the demo codes (without the prefix). Names a service
# added itself fall back to the dimension's "other" code, so the mapping stays complete.
CONFLICT_TYPE_CODES = {
    "Geluidsoverlast door personen": "CONFLICT-GELUID",
    "Geluidsoverlast door apparatuur/muziek": "CONFLICT-GELUID",
    "Intimidatie / lastiggevallen worden": "CONFLICT-INTIMIDATIE",
    "Pesterijen": "CONFLICT-INTIMIDATIE",
    "Erfafscheiding, schutting, overhangende takken": "CONFLICT-ERF-TUIN",
    "Tuin- en buitenproblemen": "CONFLICT-ERF-TUIN",
    "Huisdieren": "CONFLICT-HUISDIEREN",
    "Overlast door kinderen": "CONFLICT-KINDEREN",
    "Parkeren": "CONFLICT-PARKEREN",
    "Rommel, vuilnis, vervuiling": "CONFLICT-VERVUILING",
    "Stank, rook": "CONFLICT-VERVUILING",
    "Vernieling": "CONFLICT-VERNIELING",
    "Storende leefgewoonten": "CONFLICT-LEEFSTIJL",
}
OUTCOME_CODES = {
    OutcomeCategory.RESOLVED: "UITKOMST-OPGELOST",
    OutcomeCategory.PARTIALLY_RESOLVED: "UITKOMST-DEELS",
    OutcomeCategory.NOT_RESOLVED: "UITKOMST-NIET",
    OutcomeCategory.REFERRED_ON: "UITKOMST-DOORVERWEZEN",
    OutcomeCategory.RESOLVED_BY_ITSELF: "UITKOMST-VANZELF",
}
REFERRER_CODES = {
    REFERRER_SELF: "VERWIJZER-ZELF",
    OrganisationKind.POLICE: "VERWIJZER-POLITIE",
    OrganisationKind.HOUSING_CORPORATION: "VERWIJZER-CORPORATIE",
    OrganisationKind.MUNICIPALITY: "VERWIJZER-GEMEENTE",
    OrganisationKind.MELDPUNT: "VERWIJZER-GEMEENTE",
    OrganisationKind.CARE_PROVIDER: "VERWIJZER-ZORG",
    OrganisationKind.HOME_CARE: "VERWIJZER-ZORG",
    OrganisationKind.GENERAL_PRACTITIONER: "VERWIJZER-ZORG",
    OrganisationKind.SHELTER: "VERWIJZER-ZORG",
    OrganisationKind.SOCIAL_WORK: "VERWIJZER-SOCIAAL",
    OrganisationKind.NEIGHBOURHOOD_ORGANISATION: "VERWIJZER-SOCIAAL",
}
CHANNEL_CODES = {
    Channel.SELF_REPORT: "KANAAL-ONLINE",
    Channel.REFERRAL: "KANAAL-VERWIJZING",
    Channel.PHONE: "KANAAL-TELEFOON",
    Channel.DESK: "KANAAL-BALIE",
}


COLLABORATION_MODELS = (Consultation, PreTrajectory, Accompaniment, JointVisit)


def _pick(rng, weighted):
    return rng.choices([value for value, _ in weighted], weights=[w for _, w in weighted])[0]


class Command(BaseCommand):
    help = "Load fictional demo data (development only; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument("--cases", type=int, default=None, help="Cases per service (default: 220 and 100).")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo loads demo users with known passwords and runs only with DEBUG on.")
        rng = random.Random(2026)  # noqa: S311 (fictional data)
        random.seed(2026)
        logins = []
        # The demo history would otherwise mail every fictional referrer milestone to the console.
        quiet_mail = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        with override_settings(MAILERS=quiet_mail), transaction.atomic():
            admin = UserFactory(
                username="beheerder", first_name="Bea", last_name="Beheer", service=None, role=Role.ADMIN
            )
            if not admin.is_superuser:
                admin.is_superuser = True
                admin.save(update_fields=["is_superuser"])
            logins.append(("beheerder", "Beheerder (alle organisaties, via /admin/)"))
            national = self._seed_national_categories()
            for spec in SERVICES:
                count = options["cases"] if options["cases"] is not None else spec["cases"]
                logins += self._seed_service(spec, rng, count, national)
            # Staff log in with a second factor: a known demo key and known backup codes.
            for user in User.objects.filter(username__in=[name for name, _ in logins]):
                if requires_second_factor(user):
                    TOTPDevice.objects.update_or_create(
                        user=user, name="Demo", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
                    )
                    backup_codes_renew(user, codes=DEMO_BACKUP_CODES)
        if not options["quiet_logins"]:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"Demo-logins (wachtwoord voor allemaal: {DEMO_PASSWORD})"))
            for username, description in logins:
                self.stdout.write(f"  {username:<32} {description}")
            self.stdout.write("")
            self.stdout.write("Tweede stap (coordinatoren, bemiddelaars, beheerder):")
            self.stdout.write(f"  voeg in een authenticator-app de sleutel {DEMO_TOTP_KEY_BASE32} toe,")
            self.stdout.write(f"  of gebruik een reservecode: {', '.join(DEMO_BACKUP_CODES)}")
            self.stdout.write("  (de reservecodes gelden weer na elke 'make run').")
            self.stdout.write("")

    def _seed_service(self, spec, rng, count, national):
        service = MediationServiceFactory(name=spec["name"], reference_prefix=spec["prefix"])
        service_setup_reference_lists(service=service)
        letter_templates_set_up(service=service)
        for name, (start, end) in spec["municipalities"].items():
            municipality, _ = Municipality.objects.get_or_create(service=service, name=name)
            PostcodeRange.objects.get_or_create(
                service=service, start=start, end=end, defaults={"municipality": municipality}
            )
        neighbourhoods = [
            Neighbourhood.objects.get_or_create(service=service, name=name)[0] for name in spec["neighbourhoods"]
        ]
        partners = {
            kind: PartnerOrganisationFactory(service=service, name=f"{name} {spec['name'].split()[-1]}", kind=kind)
            for kind, name in PARTNERS.items()
        }
        slug = spec["slug"]
        coordinator = UserFactory(
            username=f"coordinator.{slug}",
            first_name="Carla",
            last_name="Coördinator",
            service=service,
            role=Role.COORDINATOR,
        )
        mediator_user = UserFactory(
            username=f"bemiddelaar.{slug}",
            first_name="Bram",
            last_name="Bemiddelaar",
            service=service,
            role=Role.MEDIATOR,
        )
        referrer = UserFactory(
            username=f"verwijzer.{slug}",
            first_name="Vera",
            last_name="Verwijzer",
            service=service,
            partner_organisation=partners[OrganisationKind.HOUSING_CORPORATION],
            role=Role.REFERRER,
        )
        logins = [
            (coordinator.username, f"Coördinator, {service.name}"),
            (mediator_user.username, f"Bemiddelaar, {service.name}"),
            (referrer.username, f"Verwijzer bij {referrer.partner_organisation}"),
        ]
        self._seed_national_mapping(service, national)
        # Each part is seeded once (idempotent); a database seeded before a part existed gets it.
        if not Case.objects.filter(service=service).exists():
            mediators = [
                MediatorProfileFactory(service=service, user=mediator_user, name=mediator_user.get_full_name())
            ]
            mediators += [MediatorProfileFactory(service=service, max_cases=rng.randint(2, 5)) for _ in range(15)]
            for mediator in mediators:
                mediator.neighbourhoods.set(rng.sample(neighbourhoods, k=min(2, len(neighbourhoods))))
            start, end = next(iter(spec["municipalities"].values()))
            for _ in range(count):
                self._seed_case(service, coordinator, referrer, partners, neighbourhoods, mediators, rng, start, end)
        if not IntervisionAttendance.objects.filter(mediator__service=service).exists():
            self._seed_volunteer_details(service, rng)
        if not Appointment.objects.filter(service=service).exists():
            self._seed_appointments(service, coordinator, rng)
        if not any(model.objects.filter(service=service).exists() for model in COLLABORATION_MODELS):
            self._seed_collaborations(service, coordinator, partners, rng)
        return logins

    def _seed_appointments(self, service, coordinator, rng):
        """Talks planned for the coming two weeks with the pair of open cases; one left unlogged."""
        now = timezone.localtime()
        active = Assignment.objects.filter(case=OuterRef("pk"), ended_on__isnull=True)
        paired = (
            Case.objects.filter(service=service, status__in=[CaseStatus.SUITABLE, CaseStatus.IN_MEDIATION])
            .filter(Exists(active))
            # The demo mediator's cases first, so their agenda has talks in it.
            .order_by(~Exists(active.filter(mediator__user__isnull=False)), "-reported_on", "pk")[:8]
        )
        for index, case in enumerate(paired):
            day = now.date() + dt.timedelta(days=1 + index * 2)
            starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.choice([10, 14, 19]))))
            joint = case.status == CaseStatus.IN_MEDIATION and index % 2
            appointment_plan(
                case=case,
                actor=coordinator,
                data={
                    "kind": AppointmentKind.JOINT if joint else AppointmentKind.INTAKE_A,
                    "starts_at": starts_at,
                    "ends_at": starts_at + dt.timedelta(hours=1, minutes=30 if joint else 0),
                    "place": AppointmentPlace.NEUTRAL if joint else AppointmentPlace.AT_HOME,
                    "location": "Buurthuis De Linde, Lindelaan 2" if joint else "",
                },
            )
        # A talk of yesterday that nobody logged yet: the work queue shows it as overdue.
        appointment = Appointment.objects.filter(service=service).order_by("starts_at").first()
        if appointment is not None:
            shift = appointment.starts_at - (now - dt.timedelta(days=1)).replace(
                hour=10, minute=0, second=0, microsecond=0
            )
            Appointment.objects.filter(pk=appointment.pk).update(
                starts_at=appointment.starts_at - shift, ends_at=appointment.ends_at - shift
            )

    def _seed_volunteer_details(self, service, rng):
        """Availability, basic training and intervision: most are up to date, a few are not."""
        today = timezone.localdate()
        mediators = list(MediatorProfile.objects.filter(service=service).order_by("pk"))
        for index, mediator in enumerate(mediators):
            mediator.day_parts = rng.sample(DayPart.values, k=rng.randint(3, 8))
            # Two newcomers still in their basic training; the others got their certificate.
            mediator.trained_on = None if index in (3, 7) else today - dt.timedelta(days=rng.randint(120, 2000))
            mediator.save(update_fields=["availability", "trained_on", "updated_at"])
            attended = rng.sample(range(14, 365, 7), k=rng.choice([1, 2, 4, 4, 5, 6]))
            IntervisionAttendance.objects.bulk_create(
                IntervisionAttendance(mediator=mediator, attended_on=today - dt.timedelta(days=days))
                for days in attended
            )

    def _seed_case(self, service, coordinator, referrer, partners, neighbourhoods, mediators, rng, start, end):
        target = _pick(rng, STATUS_MIX)
        channel = _pick(rng, CHANNEL_MIX)
        today = timezone.localdate()
        early = target in (CaseStatus.REGISTERED, CaseStatus.INTAKE)
        reported_on = today - dt.timedelta(days=rng.randint(0, 20 if early else 500))
        clock = timezone.make_aware(dt.datetime.combine(reported_on, dt.time(9, 0)))

        def later(days_low, days_high):
            nonlocal clock
            clock = min(clock + dt.timedelta(days=rng.randint(days_low, days_high)), timezone.now())
            return clock

        referrer_org = None
        if channel == Channel.REFERRAL:
            referrer_org = rng.choice(list(partners.values()))
        parties = [party_data(side=Side.A, postcode_start=start, postcode_end=end)]
        parties += [
            party_data(side=Side.B, postcode_start=start, postcode_end=end) for _ in range(rng.choice([1, 1, 1, 2]))
        ]
        case = case_create(
            service=service,
            actor=coordinator,
            channel=channel,
            parties=parties,
            reported_on=reported_on,
            referrer_organisation=referrer_org,
            conflict_types=rng.sample(list(ConflictType.objects.filter(service=service)), k=rng.randint(1, 3)),
            neighbourhood=rng.choice(neighbourhoods),
            description="Overlast tussen buren; fictieve demozaak.",
            is_complex=rng.random() < 0.2,
            is_urgent=rng.random() < 0.1,
            coordinator=coordinator,
            at=clock,
        )
        if referrer_org is not None and referrer_org.pk == referrer.partner_organisation_id:
            Referral.objects.create(
                service=service,
                case=case,
                referrer=referrer,
                organisation=referrer_org,
                own_reference=f"WB-{case.sequence:04d}",
            )

        def go(to_status, **kwargs):
            nonlocal case
            case = case_transition(case=case, to_status=to_status, actor=coordinator, at=later(1, 8), **kwargs)

        if target == CaseStatus.REGISTERED:
            return
        go(CaseStatus.INTAKE)
        if target == CaseStatus.INTAKE:
            return
        if target == CaseStatus.STANDBY:
            # Some review dates have passed, so the work queue shows them.
            review = timezone.localdate(clock) + dt.timedelta(days=rng.randint(9, 60))
            go(CaseStatus.STANDBY, review_on=review, reason="Voortraject met wijkteam loopt.")
            return
        if target == CaseStatus.UNSUITABLE:
            go(
                CaseStatus.UNSUITABLE,
                unsuitability_reason=rng.choice(list(UnsuitabilityReason.objects.filter(service=service))),
                advice="Advies: neem contact op met het sociaal wijkteam.",
            )
            return
        go(CaseStatus.SUITABLE)
        if target == CaseStatus.SUITABLE:
            return
        resolved = rng.random() < 0.65
        if target == CaseStatus.CLOSED and rng.random() < 0.15:
            # A party withdraws before the mediators start: closed without conversation.
            outcome = Outcome.objects.filter(
                service=service, category=OutcomeCategory.NOT_RESOLVED, requires_conversation=False
            ).first()
            go(CaseStatus.CLOSED, outcome=outcome)
            return
        pair = rng.sample([m for m in mediators if m.is_active], k=2)
        for mediator in pair:
            # The demo's pool is small for its history: as if the coordinator confirmed each time.
            mediator_assign(
                case=case,
                mediator=mediator,
                actor=coordinator,
                started_on=timezone.localdate(clock),
                at=clock,
                over_maximum=True,
            )
        go(CaseStatus.IN_MEDIATION)
        parties = list(case.parties.all())
        for kind, side in ((ConversationKind.INTAKE_A, Side.A), (ConversationKind.INTAKE_B, Side.B)):
            conversation_log(
                case=case,
                actor=coordinator,
                kind=kind,
                held_on=timezone.localdate(later(2, 10)),
                at=clock,
                duration_minutes=60,
                mediators=pair,
                parties=[p for p in parties if p.side == side],
                report="Kennismaking en verhaal gehoord (fictief).",
            )
        if target == CaseStatus.IN_MEDIATION:
            return
        conversation_log(
            case=case,
            actor=coordinator,
            kind=ConversationKind.JOINT,
            held_on=timezone.localdate(later(5, 15)),
            at=clock,
            duration_minutes=90,
            mediators=pair,
            parties=parties,
            report="Gezamenlijk gesprek (fictief).",
            agreements=["Na 22.00 uur geen muziek meer.", "Bij problemen eerst aanbellen."] if resolved else [],
        )
        go(CaseStatus.FOLLOW_UP)
        if target == CaseStatus.FOLLOW_UP:
            return
        conversation_log(
            case=case,
            actor=coordinator,
            kind=ConversationKind.FOLLOW_UP_CALL,
            held_on=timezone.localdate(later(20, 45)),
            at=clock,
            duration_minutes=15,
            mediators=pair[:1],
            report="Nazorg: afspraken gehouden." if resolved else "Nazorg: geen verbetering.",
        )
        for agreement in case.agreements.all():
            # At the follow-up call: the agreements held (only resolved cases made any).
            agreement_judge(agreement=agreement, kept=AgreementKept.KEPT, actor=coordinator, at=clock)
        category = (
            OutcomeCategory.RESOLVED
            if resolved
            else rng.choice(
                [OutcomeCategory.NOT_RESOLVED, OutcomeCategory.PARTIALLY_RESOLVED, OutcomeCategory.REFERRED_ON]
            )
        )
        outcome = rng.choice(list(Outcome.objects.filter(service=service, category=category)))
        go(CaseStatus.CLOSED, outcome=outcome)
        if rng.random() < 0.03:
            go(CaseStatus.INTAKE, reason="Nieuwe melding van dezelfde buren; zaak heropend.")

    # --- The national code list and each service's mapping onto it ----------------------

    def _seed_national_categories(self):
        """The demo code list, shared by all services: ``{code without prefix: NationalCategory}``."""
        categories = {}
        for dimension, entries in NATIONAL_CATEGORIES.items():
            for position, (code, label) in enumerate(entries):
                categories[code], _created = NationalCategory.objects.get_or_create(
                    dimension=dimension, code=DEMO_CODE_PREFIX + code, defaults={"label": label, "position": position}
                )
        return categories

    def _seed_national_mapping(self, service, national):
        """Every conflict type, outcome, referrer type and channel of the service onto a code.

        A mapping that exists already (e.g. changed in the admin) stays as it is.
        """
        sources = [
            ({"conflict_type": conflict_type}, CONFLICT_TYPE_CODES.get(conflict_type.name, "CONFLICT-OVERIG"))
            for conflict_type in ConflictType.objects.filter(service=service)
        ]
        sources += [
            ({"outcome": outcome}, OUTCOME_CODES[outcome.category])
            for outcome in Outcome.objects.filter(service=service)
        ]
        sources += [
            ({"referrer_kind": kind}, REFERRER_CODES.get(kind, "VERWIJZER-OVERIG")) for kind, _ in REFERRER_KIND_CHOICES
        ]
        sources += [({"channel": channel}, CHANNEL_CODES.get(channel, "KANAAL-OVERIG")) for channel in Channel.values]
        for source, code in sources:
            NationalCategoryMapping.objects.get_or_create(
                service=service, **source, defaults={"national_category": national[code]}
            )

    # --- The four ways of working with partners (partners/services.py only) -------------

    def _seed_collaborations(self, service, coordinator, partners, rng):
        today = timezone.localdate()
        recent = list(
            Case.objects.filter(service=service, reported_on__gte=today - dt.timedelta(days=365))
            .order_by("pk")
            .prefetch_related("parties")
        )
        self._seed_consultations(coordinator, partners, rng, today)
        self._seed_pre_trajectories(service, coordinator, partners, rng, today)
        self._seed_accompaniments(recent, coordinator, partners, rng)
        self._seed_joint_visits(recent, coordinator, partners, rng, today)

    def _disclose(self, case, organisation, party, coordinator, rng, given_on):
        """For a self-report: the consents the disclosure rule asks before `party` is linked.

        The reporting resident's, and the named resident's if that is someone else (rule 4).
        """
        if not case.is_self_report:
            return
        residents = [p for p in case.parties.all() if p.is_reporter]
        if party is not None and not party.is_reporter:
            residents.append(party)
        for resident in residents:
            active = DisclosureConsent.objects.filter(party=resident, organisation=organisation, withdrawn_on=None)
            if not active.exists():
                disclosure_consent_record(
                    party=resident,
                    organisation=organisation,
                    actor=coordinator,
                    given_on=given_on,
                    method=rng.choice(DisclosureMethod.values),
                )

    def _seed_consultations(self, coordinator, partners, rng, today):
        """A handful of consultations: one each with police, corporation and social work, and two more."""
        chosen = [
            rng.choice([item for item in CONSULTATIONS if item[0] == kind])
            for kind in (OrganisationKind.POLICE, OrganisationKind.HOUSING_CORPORATION, OrganisationKind.SOCIAL_WORK)
        ]
        chosen += rng.sample([item for item in CONSULTATIONS if item not in chosen], k=2)
        for kind, professional, topic, follow_up in chosen:
            consultation_record(
                organisation=partners[kind],
                actor=coordinator,
                held_on=today - dt.timedelta(days=rng.randint(3, 360)),
                professional_name=professional,
                topic=topic,
                follow_up=follow_up,
            )

    def _seed_pre_trajectories(self, service, coordinator, partners, rng, today):
        """Two or three standby cases join a partner-led trajectory.

        `pre_trajectory_start` starts today and wants a review date in the future; cases with a
        review date already due are left alone, so the work queue keeps showing some.
        """
        standby = list(Case.objects.filter(service=service, status=CaseStatus.STANDBY).order_by("pk"))
        rng.shuffle(standby)
        standby.sort(key=lambda case: (case.standby_review_on or today) <= today)  # not yet due first
        wanted = rng.choice([2, 3])
        if len(standby) < wanted:  # few cases (seed_demo --cases): an intake case goes on standby
            intake = list(Case.objects.filter(service=service, status=CaseStatus.INTAKE).order_by("pk"))
            standby += rng.sample(intake, k=min(len(intake), wanted - len(standby)))
        for case, (lead_kind, others, notes) in zip(standby[:wanted], PRE_TRAJECTORIES, strict=False):
            side_b = [party for party in case.parties.all() if party.side == Side.B]
            party = rng.choice([None, side_b[0]]) if side_b else None
            lead, other = partners[lead_kind], partners[rng.choice(others)]
            given_on = max(case.reported_on, today - dt.timedelta(days=rng.randint(0, 10)))
            for organisation in (lead, other):
                self._disclose(case, organisation, party, coordinator, rng, given_on)
            trajectory = pre_trajectory_start(
                case=case,
                actor=coordinator,
                lead_organisation=lead,
                review_on=today + dt.timedelta(days=rng.randint(14, 90)),
                party=party,
                notes=notes,
            )
            pre_trajectory_add_organisation(trajectory=trajectory, actor=coordinator, organisation=other)

    def _seed_accompaniments(self, recent, coordinator, partners, rng):
        """A care worker accompanies a resident in three cases in mediation, one a self-report.

        Mostly from the care provider (GGZ); one from the shelter and care organisation.
        """
        candidates = [case for case in recent if case.status in (CaseStatus.IN_MEDIATION, CaseStatus.FOLLOW_UP)]
        rng.shuffle(candidates)
        chosen = [case for case in candidates if case.is_self_report][:1]
        chosen += [case for case in candidates if case not in chosen][: 3 - len(chosen)]
        kinds = [OrganisationKind.CARE_PROVIDER, OrganisationKind.CARE_PROVIDER, OrganisationKind.SHELTER]
        for case, kind in zip(chosen, kinds, strict=False):
            conversations = list(case.conversations.order_by("held_on", "pk").prefetch_related("parties"))
            if not conversations:
                continue
            party = rng.choice(list(case.parties.all()))
            organisation = partners[kind]
            started_on = max(case.reported_on, conversations[0].held_on - dt.timedelta(days=rng.randint(2, 14)))
            self._disclose(case, organisation, party, coordinator, rng, started_on)
            accompaniment = accompaniment_start(
                party=party,
                organisation=organisation,
                actor=coordinator,
                care_worker_name=rng.choice(CARE_WORKERS),
                started_on=started_on,
            )
            accompaniment_set_conversations(
                accompaniment=accompaniment,
                actor=coordinator,
                conversations=[conversation for conversation in conversations if party in conversation.parties.all()],
            )

    def _seed_joint_visits(self, recent, coordinator, partners, rng, today):
        """Five joint home visits: four about a case (what the resident said fits how the case
        went on), one before anyone reported."""

        def said(case):
            if case.status in (CaseStatus.SUITABLE, CaseStatus.IN_MEDIATION, CaseStatus.FOLLOW_UP):
                return JointVisitOutcome.AGREES
            if case.status == CaseStatus.CLOSED and case.conversations.exists():
                return JointVisitOutcome.AGREES
            if case.status in (CaseStatus.CLOSED, CaseStatus.UNSUITABLE):
                return JointVisitOutcome.DECLINES
            return JointVisitOutcome.LATER

        candidates = list(recent)
        rng.shuffle(candidates)
        candidates.sort(key=lambda case: case.is_self_report)  # partners mostly visit cases they know of
        visitors = rng.sample(VISITORS, k=len(VISITORS))
        plan = [JointVisitOutcome.AGREES, JointVisitOutcome.AGREES, JointVisitOutcome.DECLINES, JointVisitOutcome.LATER]
        for outcome, (kind, professional) in zip(plan, visitors, strict=False):
            case = next((case for case in candidates if said(case) == outcome), None)
            if case is None:
                continue
            candidates.remove(case)
            party = rng.choice(list(case.parties.all()))
            visited_on = min(today, case.reported_on + dt.timedelta(days=rng.randint(1, 14)))
            self._disclose(case, partners[kind], party, coordinator, rng, visited_on)
            joint_visit_record(
                organisation=partners[kind],
                actor=coordinator,
                professional_name=professional,
                visited_on=visited_on,
                outcome=outcome,
                case=case,
                party=party,
                notes=VISIT_NOTES[outcome],
            )
        kind, professional = visitors[-1]
        outcome = rng.choice([JointVisitOutcome.LATER, JointVisitOutcome.DECLINES])
        joint_visit_record(
            organisation=partners[kind],
            actor=coordinator,
            professional_name=professional,
            visited_on=today - dt.timedelta(days=rng.randint(5, 300)),
            outcome=outcome,
            notes="Nog geen melding bij ons. " + VISIT_NOTES[outcome],
        )
