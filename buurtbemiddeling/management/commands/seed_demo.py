"""Fill the database with fictional demo data: two services, a user per role, partners, cases.

Development only (refused when DEBUG is off). Idempotent: a second run changes nothing
but the demo passwords, which it sets again so the printed logins always work.
"""

import datetime as dt
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
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
from cases.constants import CaseStatus, Channel, ConversationKind, OutcomeCategory, Side
from cases.factories import MediatorProfileFactory, party_data
from cases.models import Case, ConflictType, Outcome, UnsuitabilityReason
from cases.services import (
    case_create,
    case_transition,
    conversation_log,
    mediator_assign,
    service_setup_reference_lists,
)
from partners.constants import OrganisationKind
from partners.factories import PartnerOrganisationFactory
from referrals.models import Referral

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
            for spec in SERVICES:
                count = options["cases"] if options["cases"] is not None else spec["cases"]
                logins += self._seed_service(spec, rng, count)
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

    def _seed_service(self, spec, rng, count):
        service = MediationServiceFactory(name=spec["name"], reference_prefix=spec["prefix"])
        service_setup_reference_lists(service=service)
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
        if Case.objects.filter(service=service).exists():
            return logins  # already seeded: idempotent

        mediators = [MediatorProfileFactory(service=service, user=mediator_user, name=mediator_user.get_full_name())]
        mediators += [MediatorProfileFactory(service=service, max_cases=rng.randint(2, 5)) for _ in range(15)]
        for mediator in mediators:
            mediator.neighbourhoods.set(rng.sample(neighbourhoods, k=min(2, len(neighbourhoods))))
        start, end = next(iter(spec["municipalities"].values()))
        for _ in range(count):
            self._seed_case(service, coordinator, referrer, partners, neighbourhoods, mediators, rng, start, end)
        return logins

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
            mediator_assign(
                case=case, mediator=mediator, actor=coordinator, started_on=timezone.localdate(clock), at=clock
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
