"""The figures (Cijfers): every number checked against a hand-counted set of cases.

The cases are built through the real services with backdated dates. What each one does,
and so what it adds to the figures for 2025, is in the table in `world` below; the
expected numbers in `EXPECTED_2025` were counted from that table by hand, not by code.
"""

import csv
import datetime as dt
import io
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling import generations
from buurtbemiddeling.constants import Role
from buurtbemiddeling.exports import csv_cell
from buurtbemiddeling.factories import MunicipalityFactory, NeighbourhoodFactory, UserFactory
from buurtbemiddeling.models import AccessAction, AccessLog
from cases.constants import AgreementKept, CaseStatus, Channel, ConversationKind, Side, Tenure
from cases.factories import party_data
from cases.models import ConflictType, Outcome, UnsuitabilityReason
from cases.privacy import case_anonymise
from cases.services import agreement_judge, case_create, case_transition, conversation_log, mediator_assign
from organisations.constants import OrganisationKind
from organisations.factories import MediatorProfileFactory, PartnerOrganisationFactory
from partners.factories import ConsultationFactory, JointVisitFactory
from partners.models import Accompaniment, PreTrajectory
from reports.figures import Period, Scope, benchmark_for, figures_for, percentile_cont
from reports.models import NationalCategory, NationalCategoryMapping, NationalDimension

AMS = ZoneInfo("Europe/Amsterdam")


def at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMS)


# Outcome names from the standard list (cases/constants.py).
R_JOINT = "Opgelost na gezamenlijk gesprek met afspraken"
R_ADVICE = "Opgelost met alleen advies"
PARTIAL = "Gedeeltelijk opgelost (relatie verbeterd)"
WITHDRAWS = "Niet opgelost: partij trekt zich terug"
REFERRED = "Doorverwezen (wijkteam, GGZ, politie, corporatie)"
BY_ITSELF = "Vanzelf opgelost / partij verhuisd"


class World:
    """The hand-counted data set; attributes name what the tests need."""


@pytest.fixture
def world(service, other_service, coordinator, other_coordinator, partner):
    w = World()
    w.service = service
    w.aland = MunicipalityFactory(service=service, name="Aland")
    w.bedorp = MunicipalityFactory(service=service, name="Bedorp")
    centrum = NeighbourhoodFactory(service=service, name="Centrum", municipality=w.aland)
    noord = NeighbourhoodFactory(service=service, name="Noord", municipality=w.aland)
    dorp = NeighbourhoodFactory(service=service, name="Dorp", municipality=w.bedorp)
    # Inactive and unused: not listed. Inactive but used: listed (see conflict types).
    NeighbourhoodFactory(service=service, name="Oud-West", municipality=w.aland, is_active=False)
    woon = partner  # housing corporation
    politie = PartnerOrganisationFactory(service=service, name="Politie Aland", kind=OrganisationKind.POLICE)
    ct = {c.name.split(" ")[0].split(",")[0]: c for c in ConflictType.objects.filter(service=service)}
    ct_noise = ConflictType.objects.get(service=service, name="Geluidsoverlast door personen")
    ct_music = ConflictType.objects.get(service=service, name="Geluidsoverlast door apparatuur/muziek")
    ConflictType.objects.filter(service=service, name__in=["Overlast door kinderen", "Vernieling"]).update(
        is_active=False
    )
    outcome = {o.name: o for o in Outcome.objects.filter(service=service)}
    reason = {r.name: r for r in UnsuitabilityReason.objects.filter(service=service)}
    m1, m2, m3, m4, m5 = (MediatorProfileFactory(service=service, name=f"Bemiddelaar {i}") for i in range(1, 6))
    MediatorProfileFactory(service=other_service, name="Elders")

    def make(reported_on, channel, neighbourhood, types, tenure, *, referrer=None, extra_a=None):
        parties = [party_data(side=Side.A, tenure=tenure), party_data(side=Side.B, tenure=Tenure.OWNER)]
        if extra_a:
            parties.insert(0, party_data(side=Side.A, is_reporter=False, tenure=extra_a))
        return case_create(
            service=service,
            actor=coordinator,
            channel=channel,
            reported_on=reported_on,
            parties=parties,
            conflict_types=types,
            referrer_organisation=referrer,
            neighbourhood=neighbourhood,
            at=at(reported_on.year, reported_on.month, reported_on.day, 9),
        )

    def move(case, to, when, **kwargs):
        return case_transition(case=case, to_status=to, actor=coordinator, at=when, **kwargs)

    def talk(case, kind, day, agreements=(), mediators=()):
        conversation_log(
            case=case,
            actor=coordinator,
            kind=kind,
            held_on=day,
            report="Verslag",
            agreements=agreements,
            mediators=mediators,
            at=at(day.year, day.month, day.day, 14),
        )

    def judge(agreement, kept, when):
        agreement_judge(agreement=agreement, kept=kept, actor=coordinator, at=when)

    S = CaseStatus
    d = dt.date
    # | case | reported   | via       | wijk    | conflict        | tenure A   | what happens
    # | C1   | 2025-02-03 | phone     | Centrum | noise, animals  | owner (+ a non-reporter on A, private)
    #        contact 02-05, suitable 02-10, M1+M2 02-12, 4 conversations, closed 04-22 resolved;
    #        its two agreements judged at the follow-up call 04-21: one kept, one not kept
    c1 = make(d(2025, 2, 3), Channel.PHONE, centrum, [ct_noise, ct["Huisdieren"]], Tenure.OWNER,
              extra_a=Tenure.TENANT_PRIVATE)  # fmt: skip
    move(c1, S.INTAKE, at(2025, 2, 5))
    move(c1, S.SUITABLE, at(2025, 2, 10))
    mediator_assign(case=c1, mediator=m1, actor=coordinator, started_on=d(2025, 2, 12), at=at(2025, 2, 12))
    mediator_assign(case=c1, mediator=m2, actor=coordinator, started_on=d(2025, 2, 12), at=at(2025, 2, 12))
    move(c1, S.IN_MEDIATION, at(2025, 2, 12, 11))
    talk(c1, ConversationKind.INTAKE_A, d(2025, 2, 20), mediators=[m1, m2])
    talk(c1, ConversationKind.INTAKE_B, d(2025, 2, 25), mediators=[m1, m2])
    talk(c1, ConversationKind.JOINT, d(2025, 3, 10), agreements=["Geen muziek na tienen", "Deur zacht dicht"],
         mediators=[m1, m2])  # fmt: skip
    move(c1, S.FOLLOW_UP, at(2025, 3, 11))
    talk(c1, ConversationKind.FOLLOW_UP_CALL, d(2025, 4, 21))
    music, door = c1.agreements.order_by("id")
    judge(music, AgreementKept.KEPT, at(2025, 4, 21, 15))
    judge(door, AgreementKept.NOT_KEPT, at(2025, 4, 21, 15))
    move(c1, S.CLOSED, at(2025, 4, 22), outcome=outcome[R_JOINT])
    # | C2   | 2025-03-01 | referral (corporation) | Noord | music | corporation tenant
    #        contact 03-04, unsuitable 03-06 (violence)
    c2 = make(d(2025, 3, 1), Channel.REFERRAL, noord, [ct_music], Tenure.TENANT_CORPORATION, referrer=woon)
    move(c2, S.INTAKE, at(2025, 3, 4))
    move(c2, S.UNSUITABLE, at(2025, 3, 6), unsuitability_reason=reason["Geweld of bedreiging"])
    # | C3   | 2025-01-10 | self-report | Dorp | parking | private tenant      REOPENED
    #        contact 01-13, suitable 01-20, closed 02-01 (advice only), reopened 05-05,
    #        suitable 05-12, M3 05-13, shuttle 05-20, closed 06-30 23:30 partially resolved
    c3 = make(d(2025, 1, 10), Channel.SELF_REPORT, dorp, [ct["Parkeren"]], Tenure.TENANT_PRIVATE)
    move(c3, S.INTAKE, at(2025, 1, 13))
    move(c3, S.SUITABLE, at(2025, 1, 20))
    move(c3, S.CLOSED, at(2025, 2, 1), outcome=outcome[R_ADVICE])
    move(c3, S.INTAKE, at(2025, 5, 5), reason="De overlast is terug.")
    move(c3, S.SUITABLE, at(2025, 5, 12))
    mediator_assign(case=c3, mediator=m3, actor=coordinator, started_on=d(2025, 5, 13), at=at(2025, 5, 13))
    move(c3, S.IN_MEDIATION, at(2025, 5, 13, 11))
    talk(c3, ConversationKind.SHUTTLE, d(2025, 5, 20), mediators=[m3])
    move(c3, S.CLOSED, at(2025, 6, 30, 23, 30), outcome=outcome[PARTIAL])
    # | C4   | 2025-04-01 | phone | Centrum | intimidation | owner            STANDBY AND BACK
    #        contact 04-02, standby 04-03 (pre-trajectory), back 05-02, suitable 05-06,
    #        M1 05-07, joint 05-20 with agreements (follow-up due 07-01): open, in follow-up
    c4 = make(d(2025, 4, 1), Channel.PHONE, centrum, [ct["Intimidatie"]], Tenure.OWNER)
    move(c4, S.INTAKE, at(2025, 4, 2))
    move(c4, S.STANDBY, at(2025, 4, 3), reason="Voortraject wijkteam", review_on=d(2025, 5, 1))
    move(c4, S.INTAKE, at(2025, 5, 2))
    move(c4, S.SUITABLE, at(2025, 5, 6))
    mediator_assign(case=c4, mediator=m1, actor=coordinator, started_on=d(2025, 5, 7), at=at(2025, 5, 7))
    move(c4, S.IN_MEDIATION, at(2025, 5, 7, 11))
    talk(c4, ConversationKind.JOINT, d(2025, 5, 20), agreements=["Hond aan de lijn"], mediators=[m1])
    move(c4, S.FOLLOW_UP, at(2025, 5, 21))
    # | C5   | 2024-12-15 | desk | Noord | fences | corporation tenant        SPANS 2024-2025
    #        contact 12-16, call 12-16, suitable 12-20, M2 12-21, joint 2025-01-15,
    #        follow-up call 02-26, closed 2025-02-27 resolved; its agreement judged not kept
    #        01-30, corrected to partly kept at the call 02-26 (counts once, partly)
    c5 = make(d(2024, 12, 15), Channel.DESK, noord, [ct["Erfafscheiding"]], Tenure.TENANT_CORPORATION)
    move(c5, S.INTAKE, at(2024, 12, 16))
    talk(c5, ConversationKind.PHONE_CALL, d(2024, 12, 16))
    move(c5, S.SUITABLE, at(2024, 12, 20))
    mediator_assign(case=c5, mediator=m2, actor=coordinator, started_on=d(2024, 12, 21), at=at(2024, 12, 21))
    move(c5, S.IN_MEDIATION, at(2024, 12, 21, 11))
    talk(c5, ConversationKind.JOINT, d(2025, 1, 15), agreements=["Schutting samen betalen"], mediators=[m2])
    move(c5, S.FOLLOW_UP, at(2025, 1, 16))
    judge(c5.agreements.get(), AgreementKept.NOT_KEPT, at(2025, 1, 30))
    talk(c5, ConversationKind.FOLLOW_UP_CALL, d(2025, 2, 26))
    judge(c5.agreements.get(), AgreementKept.PARTLY, at(2025, 2, 26, 15))
    move(c5, S.CLOSED, at(2025, 2, 27), outcome=outcome[R_JOINT])
    # | C6   | 2025-12-20 | referral (police) | Dorp | noise | unknown          SPANS 2025-2026
    #        contact 12-22, suitable 12-29, M4 12-29, closed 2026-01-01 00:30 Amsterdam
    #        (still 2025 in UTC): not resolved, counts in 2026
    c6 = make(d(2025, 12, 20), Channel.REFERRAL, dorp, [ct_noise], Tenure.UNKNOWN, referrer=politie)
    move(c6, S.INTAKE, at(2025, 12, 22))
    move(c6, S.SUITABLE, at(2025, 12, 29))
    mediator_assign(case=c6, mediator=m4, actor=coordinator, started_on=d(2025, 12, 29), at=at(2025, 12, 29))
    move(c6, S.CLOSED, at(2026, 1, 1, 0, 30), outcome=outcome[WITHDRAWS])
    # | C7   | 2025-01-06 | phone | (none) | (none) | owner                       ANONYMISED
    #        contact 01-07, suitable 01-08, closed 01-20 solved by itself
    c7 = make(d(2025, 1, 6), Channel.PHONE, None, [], Tenure.OWNER)
    move(c7, S.INTAKE, at(2025, 1, 7))
    move(c7, S.SUITABLE, at(2025, 1, 8))
    move(c7, S.CLOSED, at(2025, 1, 20), outcome=outcome[BY_ITSELF])
    case_anonymise(case=c7, now=at(2025, 11, 1))
    # | C8   | 2025-06-02 | referral (corporation) | Centrum | rubbish | corporation tenant
    #        standby 06-03 (no contact, no decision), closed 07-15 referred on
    c8 = make(d(2025, 6, 2), Channel.REFERRAL, centrum, [ct["Rommel"]], Tenure.TENANT_CORPORATION, referrer=woon)
    move(c8, S.STANDBY, at(2025, 6, 3), reason="Eerst de corporatie", review_on=d(2025, 7, 1))
    move(c8, S.CLOSED, at(2025, 7, 15), outcome=outcome[REFERRED])
    # | C9   | 2025-11-20 | self-report | Noord | noise, other | private tenant: registered, open
    make(d(2025, 11, 20), Channel.SELF_REPORT, noord, [ct_noise, ct["Overig"]], Tenure.TENANT_PRIVATE)
    # | C10  | 2026-01-05 | phone | Dorp | animals | owner: contact 2026-01-06, open in intake
    c10 = make(d(2026, 1, 5), Channel.PHONE, dorp, [ct["Huisdieren"]], Tenure.OWNER)
    move(c10, S.INTAKE, at(2026, 1, 6))
    # | C11  | 2025-09-01 | desk | Centrum | bullying | unknown: contact 09-02, standby, review in a month
    c11 = make(d(2025, 9, 1), Channel.DESK, centrum, [ct["Pesterijen"]], Tenure.UNKNOWN)
    move(c11, S.INTAKE, at(2025, 9, 2))
    move(c11, S.STANDBY, at(2025, 9, 3), reason="Voortraject", review_on=timezone.localdate() + dt.timedelta(30))
    # | C12  | 2025-10-01 | phone | Dorp | other | owner: standby 10-02, review 11-01 (due now)
    c12 = make(d(2025, 10, 1), Channel.PHONE, dorp, [ct["Overig"]], Tenure.OWNER)
    move(c12, S.STANDBY, at(2025, 10, 2), reason="Voortraject GGZ", review_on=d(2025, 11, 1))
    # | C13  | 2025-08-10 | self-report | (none) | smells | unknown: unsuitable 08-11 (legal route)
    c13 = make(d(2025, 8, 10), Channel.SELF_REPORT, None, [ct["Stank"]], Tenure.UNKNOWN)
    move(c13, S.UNSUITABLE, at(2025, 8, 11), unsuitability_reason=reason["Juridische weg al gekozen"])
    # | C14  | 2025-07-01 | phone | Noord | damage | owner                      REOPENED, OPEN
    #        contact 07-02, unsuitable 07-03, reopened 08-01: in intake, no decision now
    c14 = make(d(2025, 7, 1), Channel.PHONE, noord, [ct["Vernieling"]], Tenure.OWNER)
    move(c14, S.INTAKE, at(2025, 7, 2))
    move(c14, S.UNSUITABLE, at(2025, 7, 3), unsuitability_reason=reason["Geen reactie of weigert vanaf het begin"])
    move(c14, S.INTAKE, at(2025, 8, 1), reason="Buurman wil nu wel.")
    # | C15  | 2025-02-10 | phone | Noord | garden | owner: standby 02-11, closed 03-03 resolved
    #        with advice only, never judged suitable (resolved, but not in the success rate)
    c15 = make(d(2025, 2, 10), Channel.PHONE, noord, [ct["Tuin-"]], Tenure.OWNER)
    move(c15, S.STANDBY, at(2025, 2, 11), reason="Voortraject", review_on=d(2025, 3, 1))
    move(c15, S.CLOSED, at(2025, 3, 3), outcome=outcome[R_ADVICE])
    # M4 stopped after C6; M5 never had a case.
    m4.is_active = False
    m4.save()

    # Another service: counts nowhere here.
    elsewhere = case_create(
        service=other_service,
        actor=other_coordinator,
        channel=Channel.PHONE,
        reported_on=d(2025, 3, 3),
        parties=[party_data(side=Side.A)],
        at=at(2025, 3, 3),
    )
    case_transition(case=elsewhere, to_status=S.INTAKE, actor=other_coordinator, at=at(2025, 3, 4))
    ConsultationFactory(organisation=PartnerOrganisationFactory(service=other_service), held_on=d(2025, 5, 5))

    # Collaboration with partners (the records, dated).
    ConsultationFactory(organisation=woon, held_on=d(2025, 3, 15))
    ConsultationFactory(organisation=woon, held_on=d(2024, 11, 1))
    for case, started in ((c4, d(2025, 4, 3)), (c12, d(2025, 10, 2))):
        PreTrajectory.objects.create(
            service=service, case=case, lead_organisation=woon, started_on=started, review_on=started + dt.timedelta(28)
        )
    Accompaniment.objects.create(
        service=service,
        party=c1.parties.get(side=Side.A, is_reporter=True),
        organisation=woon,
        care_worker_name="Hulpverlener",
        started_on=d(2025, 2, 20),
    )
    JointVisitFactory(organisation=politie, visited_on=d(2025, 6, 1))
    JointVisitFactory(organisation=politie, visited_on=d(2026, 1, 10))

    w.cases = {f"C{i}": case for i, case in enumerate([c1, c2, c3, c4, c5, c6, c7, c8, None, c10, c11, c12,
                                                         c13, c14, c15], start=1) if case}  # fmt: skip
    w.municipality = {"Aland": w.aland, "Bedorp": w.bedorp}
    return w


def section(expected: dict, name: str, values: dict) -> None:
    for label, value in values.items():
        expected[(name, label)] = value


def months(year_values: dict) -> dict:
    names = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    return {f"{names[m - 1]} {y}": v for (y, m), v in year_values.items()}


def expected_2025() -> dict:
    e = {}
    section(e, "received", {"Meldingen ontvangen": 13})
    channels = {"Zelfmelding (website)": 3, "Verwijzing": 3, "Telefonisch": 6, "Balie": 1, "E-mail": 0, "Brief": 0}
    section(e, "channel", channels)
    referrers = {label: 0 for _value, label in OrganisationKind.choices}
    referrers.update({"Zelfmelder": 10, "Woningcorporatie": 2, "Politie": 1})
    section(e, "referrer", referrers)
    section(
        e,
        "conflict_type",
        {
            "Geluidsoverlast door personen": 3,
            "Geluidsoverlast door apparatuur/muziek": 1,
            "Intimidatie / lastiggevallen worden": 1,
            "Pesterijen": 1,
            "Erfafscheiding, schutting, overhangende takken": 0,
            "Tuin- en buitenproblemen": 1,
            "Huisdieren": 1,
            # "Overlast door kinderen": inactive and unused, not listed
            "Parkeren": 1,
            "Rommel, vuilnis, vervuiling": 1,
            "Stank, rook": 1,
            "Vernieling": 1,  # inactive, but used
            "Storende leefgewoonten": 0,
            "Overig": 2,
            "Niet vastgelegd": 1,
        },
    )
    section(e, "neighbourhood", {"Centrum": 4, "Dorp": 3, "Noord": 4, "Geen wijk vastgelegd": 2})
    section(
        e,
        "tenure",
        {"Onbekend": 3, "Eigenaar": 6, "Huurder bij woningcorporatie": 2, "Huurder bij particulier": 2},
    )
    section(
        e,
        "suitability",
        {
            "Geschikt bevonden (opgepakt)": 5,
            "waarvan bemiddelaars ingezet": 4,
            "Niet geschikt bevonden": 2,
            "Heropend": 2,
        },
    )
    reasons = dict.fromkeys(UNSUITABILITY_REASONS, 0)
    reasons.update({"Geweld of bedreiging": 1, "Juridische weg al gekozen": 1})
    section(e, "unsuitability_reason", reasons)
    section(
        e,
        "closed",
        {
            "Afgesloten": 6,
            "waarvan opgelost (alle afgesloten zaken)": 3,
            "Afgesloten na besluit geschikt": 4,
            "waarvan opgelost (telt voor het slagingspercentage)": 2,
            "Slagingspercentage (%)": 50.0,
        },
    )
    section(
        e,
        "outcome_category",
        {
            "Opgelost": 3,
            "Gedeeltelijk opgelost": 1,
            "Niet opgelost": 0,
            "Doorverwezen": 1,
            "Vanzelf opgelost / verhuisd": 1,
        },
    )
    outcomes = dict.fromkeys(OUTCOMES, 0)
    outcomes.update({R_JOINT: 2, R_ADVICE: 1, PARTIAL: 1, REFERRED: 1, BY_ITSELF: 1})
    section(e, "outcome", outcomes)
    section(
        e,
        "lead_time",
        {
            # first contact: C1 2, C2 3, C3 3, C4 1, C6 2, C7 1, C11 1, C14 1
            "Melding → eerste contact: aantal zaken": 8,
            "Melding → eerste contact: mediaan": 1.5,
            "Melding → eerste contact: 90e percentiel": 3.0,
            # suitable: C7 2, C1 7, C6 9, C4 35, C3 122 (its decision after reopening)
            "Melding → geschikt, opgepakt: aantal zaken": 5,
            "Melding → geschikt, opgepakt: mediaan": 9.0,
            "Melding → geschikt, opgepakt: 90e percentiel": 87.2,
            # closed: C7 14, C15 21, C8 43, C5 74, C1 78, C3 171
            "Melding → afgesloten: aantal zaken": 6,
            "Melding → afgesloten: mediaan": 58.5,
            "Melding → afgesloten: 90e percentiel": 124.5,
        },
    )
    section(
        e,
        "monthly_received",
        months({(2025, 1): 2, (2025, 2): 2, (2025, 3): 1, (2025, 4): 1, (2025, 5): 0, (2025, 6): 1,
                (2025, 7): 1, (2025, 8): 1, (2025, 9): 1, (2025, 10): 1, (2025, 11): 1, (2025, 12): 1}),
    )  # fmt: skip
    section(
        e,
        "monthly_closed",
        months({(2025, 1): 1, (2025, 2): 1, (2025, 3): 1, (2025, 4): 1, (2025, 5): 0, (2025, 6): 1,
                (2025, 7): 1, (2025, 8): 0, (2025, 9): 0, (2025, 10): 0, (2025, 11): 0, (2025, 12): 0}),
    )  # fmt: skip
    section(
        e,
        "open",
        {
            "Aangemeld": 1,
            "Intake": 2,
            "Standby (voortraject)": 2,
            "Geschikt, opgepakt": 0,
            "In bemiddeling": 0,
            "Nazorg": 1,
            "Lopend totaal": 6,
        },
    )
    section(e, "attention", {"Standby, herbeoordeling nu aan de beurt": 1, "Nazorg nu aan de beurt": 1})
    section(
        e,
        "mediators",
        {"Actieve bemiddelaars": 4, "Nieuwe toewijzingen": 5, "Zaken met een nieuwe toewijzing": 4},
    )
    section(
        e,
        "mediator_load",
        {
            "geen nieuwe zaak": 1,
            "1 nieuwe zaak": 3,
            "2 nieuwe zaken": 1,
            "3 nieuwe zaken": 0,
            "4 of meer nieuwe zaken": 0,
        },
    )
    section(
        e,
        "conversation",
        {
            "Telefoongesprek": 0,
            "Brief": 0,
            "Huisbezoek intake partij A": 1,
            "Huisbezoek intake partij B": 1,
            "Gezamenlijk bemiddelingsgesprek": 3,
            "Pendelcontact": 1,
            "Nazorggesprek": 2,
            "Gesprekken totaal": 8,
        },
    )
    # C1: kept and not kept (04-21); C5: partly (its earlier "not kept" replaced). C4's is not judged.
    section(
        e,
        "agreements",
        {"Afspraken beoordeeld": 3, "Nagekomen": 1, "Deels nagekomen": 1, "Niet nagekomen": 1},
    )
    section(
        e,
        "collaboration",
        {"Consultaties": 1, "Voortrajecten": 2, "Begeleidingen": 1, "Gezamenlijke huisbezoeken": 1},
    )
    return e


UNSUITABILITY_REASONS = [
    "Geen reactie of weigert vanaf het begin",
    "Geen eigen motivatie (voelt zich gestuurd door een instantie)",
    "Niet in staat een bemiddeling te volgen of afspraken na te komen",
    "Te laat gemeld, te ver geëscaleerd",
    "Overlast komt van een bedrijf of instelling",
    "Geweld of bedreiging",
    "Ernstige psychiatrische problematiek of verslaving",
    "Familieconflict",
    "Juridische weg al gekozen",
    "Geen burenrelatie",
]
OUTCOMES = [
    R_JOINT,
    "Opgelost door pendelbemiddeling",
    "Opgelost na de intakegesprekken",
    R_ADVICE,
    PARTIAL,
    "Niet opgelost: partij weigert gezamenlijk gesprek",
    WITHDRAWS,
    "Niet opgelost: geen contact mogelijk",
    "Niet opgelost: afgebroken",
    REFERRED,
    BY_ITSELF,
]


def as_dict(figures) -> dict:
    rows = figures.rows()
    result = {(row.section, row.label): row.value for row in rows}
    assert len(result) == len(rows), "every label is unique within its section"
    return result


def scope_for(world, period, municipality=None):
    return Scope(service=world.service, period=period, municipality=municipality)


# --- The numbers ------------------------------------------------------------------------


def test_every_figure_for_2025_matches_the_hand_count(world):
    figures = figures_for(scope_for(world, Period.year(2025)))
    assert as_dict(figures) == expected_2025()
    assert figures.success_rate == 50.0


def test_anonymised_cases_still_count(world):
    c7 = world.cases["C7"]
    c7.refresh_from_db()
    assert c7.anonymised_at is not None
    figures = figures_for(scope_for(world, Period.year(2025)))
    # C7 is the only case without a neighbourhood and conflict type that was closed "by itself".
    assert figures["outcome_category"].get("resolved_by_itself") == 1
    assert figures["conflict_type"].get("none") == 1


def test_a_reopened_case_counts_once_with_its_last_decision_and_closing(world):
    figures = figures_for(scope_for(world, Period.year(2025)))
    by_name = {row.label: row.value for row in figures["outcome"].rows}
    # C3 was first closed "advice only" in February; only C15 still carries that outcome.
    assert by_name[R_ADVICE] == 1
    # C14 was unsuitable, then reopened: no longer counted as unsuitable.
    reasons = {row.label: row.value for row in figures["unsuitability_reason"].rows}
    assert reasons["Geen reactie of weigert vanaf het begin"] == 0


def test_a_quarter_counts_its_own_days_and_its_last_evening(world):
    figures = figures_for(scope_for(world, Period.quarter(2025, 2)))
    assert figures.scope.period == Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30), "2e kwartaal 2025")
    assert figures["received"].get("total") == 2  # C4, C8
    assert figures["closed"].get("total") == 2  # C1, and C3 at 23:30 on 30 June
    assert figures["suitability"].get("suitable") == 2  # C4 (05-06), C3 (05-12)
    assert [(row.key, row.value) for row in figures["agreements"].rows] == [
        ("total", 2),  # C1's two, judged 04-21
        ("kept", 1),
        ("partly", 0),
        ("not_kept", 1),
    ]
    assert [(p.label, p.received, p.closed) for p in figures.months] == [
        ("april 2025", 1, 1),
        ("mei 2025", 0, 0),
        ("juni 2025", 1, 1),
    ]


def test_a_closing_just_after_midnight_on_new_years_day_counts_in_the_new_year(world):
    figures = figures_for(scope_for(world, Period.year(2026)))
    assert figures["received"].get("total") == 1  # C10
    assert figures["closed"].get("total") == 1  # C6, 2026-01-01 00:30 Amsterdam (2025 in UTC)
    assert figures["outcome_category"].get("not_resolved") == 1
    # 20 December to 1 January: 12 calendar days, counted in Amsterdam time.
    closed = next(lead for lead in figures.lead_times if lead.key == "closed")
    assert (closed.count, closed.median, closed.p90) == (1, 12.0, 12.0)
    assert figures["closed"].get("success_rate") == 0.0
    assert figures["collaboration"].get("joint_visit") == 1
    assert figures["mediators"].get("assignments") == 0


def test_a_custom_range_across_two_years(world):
    figures = figures_for(scope_for(world, Period.between(dt.date(2024, 12, 1), dt.date(2025, 1, 31))))
    assert figures.scope.period.label == "1 december 2024 t/m 31 januari 2025"
    assert figures["received"].get("total") == 3  # C5, C3, C7
    assert [(p.label, p.received, p.closed) for p in figures.months] == [
        ("december 2024", 1, 0),
        ("januari 2025", 2, 1),
    ]
    assert figures["conversation"].get("phone_call") == 1  # C5's call of 16 December
    assert figures["mediators"].get("assignments") == 1  # M2 on C5


def test_figures_per_municipality(world):
    figures = figures_for(scope_for(world, Period.year(2025), world.municipality["Bedorp"]))
    got = as_dict(figures)
    expected = {
        ("received", "Meldingen ontvangen"): 3,  # C3, C6, C12
        ("channel", "Zelfmelding (website)"): 1,
        ("channel", "Verwijzing"): 1,
        ("channel", "Telefonisch"): 1,
        ("channel", "Balie"): 0,
        ("channel", "E-mail"): 0,
        ("channel", "Brief"): 0,
        ("referrer", "Zelfmelder"): 2,
        ("referrer", "Politie"): 1,
        ("referrer", "Woningcorporatie"): 0,
        ("conflict_type", "Parkeren"): 1,
        ("conflict_type", "Geluidsoverlast door personen"): 1,
        ("conflict_type", "Overig"): 1,
        ("conflict_type", "Niet vastgelegd"): 0,
        ("tenure", "Huurder bij particulier"): 1,
        ("tenure", "Onbekend"): 1,
        ("tenure", "Eigenaar"): 1,
        ("suitability", "Geschikt bevonden (opgepakt)"): 2,
        ("suitability", "waarvan bemiddelaars ingezet"): 2,
        ("suitability", "Niet geschikt bevonden"): 0,
        ("suitability", "Heropend"): 1,
        ("closed", "Afgesloten"): 1,
        ("closed", "Afgesloten na besluit geschikt"): 1,
        ("closed", "Slagingspercentage (%)"): 0.0,
        ("outcome_category", "Gedeeltelijk opgelost"): 1,
        ("lead_time", "Melding → eerste contact: mediaan"): 2.5,
        ("lead_time", "Melding → eerste contact: 90e percentiel"): 2.9,
        ("lead_time", "Melding → geschikt, opgepakt: mediaan"): 65.5,
        ("lead_time", "Melding → geschikt, opgepakt: 90e percentiel"): 110.7,
        ("lead_time", "Melding → afgesloten: mediaan"): 171.0,
        ("open", "Intake"): 1,
        ("open", "Standby (voortraject)"): 1,
        ("open", "Lopend totaal"): 2,
        ("attention", "Standby, herbeoordeling nu aan de beurt"): 1,
        ("attention", "Nazorg nu aan de beurt"): 0,
        ("mediators", "Actieve bemiddelaars"): 4,
        ("mediators", "Nieuwe toewijzingen"): 2,
        ("mediators", "Zaken met een nieuwe toewijzing"): 2,
        ("mediator_load", "geen nieuwe zaak"): 3,
        ("mediator_load", "1 nieuwe zaak"): 2,
        ("mediator_load", "2 nieuwe zaken"): 0,
        ("conversation", "Gesprekken totaal"): 1,
        ("conversation", "Pendelcontact"): 1,
        ("collaboration", "Voortrajecten"): 2,  # the whole service
        ("agreements", "Afspraken beoordeeld"): 0,  # C1 and C5 are in Aland
    }
    assert {key: got[key] for key in expected} == expected
    assert [row.label for row in figures["neighbourhood"].rows] == ["Dorp"]
    assert figures["collaboration"].note


def test_percentiles_interpolate_like_postgresql():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([7], 0.9) == 7
    assert percentile_cont([1, 2], 0.5) == 1.5
    assert percentile_cont([1, 1, 1, 1, 2, 2, 3, 3], 0.9) == pytest.approx(3.0)
    assert percentile_cont([2, 7, 9, 35, 122], 0.9) == pytest.approx(87.2)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_cont is PostgreSQL's")
def test_on_postgresql_the_database_computes_the_percentiles(world):
    with CaptureQueriesContext(connection) as queries:
        figures_for(scope_for(world, Period.year(2025)))
    percentile_queries = [q["sql"] for q in queries if "percentile_cont(0.5) WITHIN GROUP" in q["sql"]]
    assert len(percentile_queries) == 3


def test_an_empty_period_shows_zeros_and_no_lead_times(world):
    figures = figures_for(scope_for(world, Period.year(2020)))
    assert figures["received"].get("total") == 0
    assert figures.success_rate is None
    assert all(lead.count == 0 and lead.median is None and lead.p90 is None for lead in figures.lead_times)


# --- The page ---------------------------------------------------------------------------


class FigureCells(HTMLParser):
    """Collects the text of every element with a data-figure attribute (tables and charts)."""

    def __init__(self):
        super().__init__()
        self.cells: dict[str, set[str]] = {}
        self._open = None
        self.styles = 0
        self.svgs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.styles += 1
        if tag == "svg":
            self.svgs.append(attrs)
        if "data-figure" in attrs:
            self._open = [tag, attrs["data-figure"], ""]

    def handle_data(self, data):
        if self._open:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            self.cells.setdefault(self._open[1], set()).add(self._open[2].strip())
            self._open = None


def shown(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def test_the_page_shows_every_number_in_tables_and_charts(world, login, coordinator):
    response = login(coordinator).get(reverse("figures:overview"), {"period": "year", "year": 2025})
    assert response.status_code == 200
    parser = FigureCells()
    parser.feed(response.text)
    figures = figures_for(scope_for(world, Period.year(2025)))
    key_of = {(row.section, row.label): f"{row.section}.{row.key}" for row in figures.rows()}
    expected = {key_of[key]: {shown(value)} for key, value in expected_2025().items()}
    assert parser.cells == expected
    html = response.text
    assert "opgeloste zaken als aandeel van de geschikte zaken (de landelijke definitie)" in html
    assert "Buurtbemiddeling Aland" in html and "2025 · alle gemeenten" in html


def test_the_charts_are_accessible_svg_without_inline_style(world, login, coordinator):
    html = login(coordinator).get(reverse("figures:overview"), {"year": 2025, "period": "year"}).text
    parser = FigureCells()
    parser.feed(html)
    assert parser.styles == 0
    assert "<style" not in html
    assert "<script>" not in html  # only <script src=...> from our own host
    assert '/static/css/figures.css"' in html
    assert len(parser.svgs) == 12  # 11 bar charts and the monthly line
    for svg in parser.svgs:
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert f'<title id="{title_id}">' in html and f'<desc id="{desc_id}">' in html
    channels = "Zelfmelding (website): 3; Verwijzing: 3; Telefonisch: 6; Balie: 1; E-mail: 0; Brief: 0."
    assert f"Staafdiagram. {channels}" in html
    # The longest bar is the full width, a zero bar has none; numbers are not localised in SVG.
    assert 'width="424"' in html and 'width="0"' in html
    assert "points=" in html and "stroke-dasharray" in html


class Breakdowns(HTMLParser):
    """The page's headings, and every table (by data-section) with the summary of the
    <details> it sits in (None: shown without a disclosure)."""

    def __init__(self):
        super().__init__()
        self.headings: list[str] = []
        self.tables: dict[str, list[str | None]] = {}
        self._heading = None
        self._summary = None
        self._details: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading = ""
        elif tag == "details":
            self._details.append("")
        elif tag == "summary":
            self._summary = ""
        elif tag == "table":
            section = dict(attrs).get("data-section")
            self.tables.setdefault(section, []).append(self._details[-1] if self._details else None)

    def handle_data(self, data):
        if self._heading is not None:
            self._heading += data
        if self._summary is not None:
            self._summary += data

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4") and self._heading is not None:
            self.headings.append(" ".join(self._heading.split()))
            self._heading = None
        elif tag == "summary" and self._summary is not None:
            self._details[-1] = " ".join(self._summary.split())
            self._summary = None
        elif tag == "details":
            self._details.pop()


# Breakdowns with a chart: the table behind a disclosure that names them.
CHARTED_TITLES = {
    "monthly": "Meldingen en afgesloten zaken per maand",
    "channel": "Meldingen per kanaal",
    "referrer": "Meldingen per soort verwijzer",
    "conflict_type": "Meldingen per soort conflict",
    "neighbourhood": "Meldingen per wijk",
    "tenure": "Meldingen per woonsituatie van de melder",
    "unsuitability_reason": "Niet geschikt: redenen",
    "outcome_category": "Afgesloten per uitkomstcategorie",
    "open": "Lopende zaken nu, per status",
    "mediator_load": "Bemiddelaars naar aantal nieuwe zaken",
    "conversation": "Gevoerde gesprekken",
    "collaboration": "Samenwerking met partners",
}
# Breakdowns without a chart: the table itself, shown.
TABLE_TITLES = {
    "suitability": "Geschiktheid",
    "closed": "Afgesloten",
    "outcome": "Afgesloten per uitkomst",
    "lead_time": "Doorlooptijden in kalenderdagen",
    "attention": "Nu aan de beurt",
    "mediators": "Bemiddelaars",
    "agreements": "Afspraken beoordeeld bij nazorg",
}


def test_each_breakdown_shows_once_with_its_table_behind_a_disclosure(world, login, coordinator):
    """Each breakdown once (#20): one heading, one table; a chart's table in a <details> whose
    summary names the breakdown, for whoever wants the exact numbers (or cannot see the chart)."""
    html = login(coordinator).get(reverse("figures:overview"), {"period": "year", "year": 2025}).text
    parser = Breakdowns()
    parser.feed(html)

    assert len(parser.headings) == len(set(parser.headings)), f"a heading shows twice: {parser.headings}"
    chart_headings = [title for key, title in CHARTED_TITLES.items() if key != "monthly"]
    for title in ["Per maand", *chart_headings, *TABLE_TITLES.values()]:
        assert parser.headings.count(title) == 1, title
    # One table per breakdown; the number of reports is the first key figure, not a table of one row.
    assert parser.tables == {
        **{key: [f"Tabel met de getallen: {title}"] for key, title in CHARTED_TITLES.items()},
        **{key: [None] for key in TABLE_TITLES},
    }
    assert html.count("<details") == len(CHARTED_TITLES)


def test_the_page_shows_the_municipality_filter_only_of_the_own_service(world, login, coordinator, other_service):
    client = login(coordinator)
    html = client.get(reverse("figures:overview")).text
    assert "Alle gemeenten" in html and ">Bedorp<" in html
    elsewhere = MunicipalityFactory(service=other_service, name="Elders")
    response = client.get(reverse("figures:overview"), {"period": "year", "year": 2025, "municipality": elsewhere.pk})
    assert "Kies een geldige periode" in response.text and 'data-figure="' not in response.text
    assert client.get(reverse("figures:export", args=["csv"]), {"municipality": elsewhere.pk}).status_code == 400


def test_the_default_is_this_year_and_a_bad_range_is_explained(world, login, coordinator):
    client = login(coordinator)
    html = client.get(reverse("figures:overview")).text
    assert f'<p class="lead mb-3" id="figures-scope">\n    {timezone.localdate().year}' in html
    response = client.get(reverse("figures:overview"), {"period": "custom", "start": "2025-05-01", "end": "2025-04-01"})
    assert "De laatste dag ligt op of na de eerste dag." in response.text
    response = client.get(reverse("figures:overview"), {"period": "custom", "start": "2025-05-01"})
    assert "Vul de laatste dag van de periode in." in response.text


def test_a_coordinator_sees_only_their_own_service(world, login, other_coordinator):
    response = login(other_coordinator).get(reverse("figures:overview"), {"period": "year", "year": 2025})
    parser = FigureCells()
    parser.feed(response.text)
    assert parser.cells["received.total"] == {"1"}
    assert parser.cells["collaboration.consultation"] == {"1"}
    assert "Centrum" not in response.text and "Buurtbemiddeling Aland" not in response.text


URLS = [
    ("figures:overview", []),
    ("figures:export", ["csv"]),
    ("figures:export", ["xlsx"]),
    ("figures:benchmark", ["csv"]),
    ("figures:benchmark", ["xlsx"]),
]


@pytest.mark.parametrize(("name", "args"), URLS)
@pytest.mark.parametrize("who", ["referrer", "mediator_user", "admin_user"])
# `db` although unused: the user comes from getfixturevalue, which pytest-django cannot see when it
# orders the tests, so without it this runs after the transactional tests, on their flushed database.
def test_only_coordinators_get_the_figures(db, request, client, name, args, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse(name, args=args)).status_code == 403
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


@pytest.mark.parametrize(("name", "args"), URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_export_format_is_not_found(login, coordinator):
    assert login(coordinator).get(reverse("figures:export", args=["pdf"])).status_code == 404


def test_the_coordinator_navigation_links_to_the_figures(login, coordinator, mediator_user, client):
    assert f'href="{reverse("figures:overview")}"' in login(coordinator).get(reverse("cases:queue")).text
    client.force_login(mediator_user)
    assert f'href="{reverse("figures:overview")}"' not in client.get(reverse("cases:my_cases")).text


# --- Exports ----------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def test_the_csv_export_has_every_number_and_is_audited(world, login, coordinator):
    response = login(coordinator).get(reverse("figures:export", args=["csv"]), {"period": "year", "year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cijfers-2025-01-01-2025-12-31.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Organisatie", "Buurtbemiddeling Aland", ""]
    assert rows[1] == ["Periode", "2025", "2025-01-01 t/m 2025-12-31"]
    assert rows[2] == ["Gemeente", "Alle gemeenten", ""]
    assert rows[4] == ["Onderdeel", "Categorie", "Waarde"]
    figures = figures_for(scope_for(world, Period.year(2025)))
    title_of = {key: s.title for key, s in figures.sections.items()}
    expected = {(title_of[s], label): csv_value(v) for (s, label), v in expected_2025().items()}
    data = rows[5:]
    assert len(data) == len(expected)
    assert {(r[0], r[1]): r[2] for r in data} == expected
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert (log.object_id, log.detail, log.user, log.service_id) == (
        "figures_csv",
        str(len(expected)),
        coordinator,
        coordinator.service_id,
    )


def test_the_excel_export_has_every_number_as_a_number_and_is_audited(world, login, coordinator):
    from openpyxl import load_workbook

    response = login(coordinator).get(
        reverse("figures:export", args=["xlsx"]), {"period": "year", "year": 2025, "municipality": ""}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Cijfers", "Toelichting"]
    rows = list(workbook["Cijfers"].iter_rows(values_only=True))
    assert rows[4] == ("Onderdeel", "Categorie", "Waarde")
    figures = figures_for(scope_for(world, Period.year(2025)))
    title_of = {key: s.title for key, s in figures.sections.items()}
    expected = {(title_of[s], label): v for (s, label), v in expected_2025().items()}
    assert {(r[0], r[1]): r[2] for r in rows[5:]} == expected
    definitions = [r[0] for r in workbook["Toelichting"].iter_rows(values_only=True)]
    assert "Slagingspercentage" in definitions
    assert AccessLog.objects.get(action=AccessAction.EXPORT).object_id == "figures_xlsx"


def test_exports_hold_no_personal_data(world, login, coordinator):
    client = login(coordinator)
    names = {p.name for case in world.cases.values() for p in case.parties.all() if p.name}
    streets = {p.street for case in world.cases.values() for p in case.parties.all() if p.street}
    assert names and streets
    text = client.get(reverse("figures:export", args=["csv"]), {"period": "year", "year": 2025}).content.decode()
    text += client.get(reverse("figures:benchmark", args=["csv"]), {"period": "year", "year": 2025}).content.decode()
    for value in names | streets | {"Bemiddelaar 1", "Verslag", "Hulpverlener"}:
        assert value not in text
    assert AccessLog.objects.filter(action=AccessAction.EXPORT).count() == 2


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_escaped(service, login, coordinator, make_case, start):
    from openpyxl import load_workbook

    name = f'{start}HYPERLINK("http://evil.example","klik")'
    ConflictType.objects.create(service=service, name=name)
    client = login(coordinator)
    rows = read_csv(client.get(reverse("figures:export", args=["csv"])))
    assert ["Meldingen per soort conflict", "'" + name, "0"] in rows
    assert not any(cell.startswith(start) for row in rows for cell in row if cell)
    workbook = load_workbook(io.BytesIO(client.get(reverse("figures:export", args=["xlsx"])).content))
    # (An XML reader turns a leading carriage return into a line feed; the text is kept otherwise.)
    cells = [cell for row in workbook["Cijfers"].iter_rows() for cell in row if str(cell.value).endswith(name[1:])]
    assert len(cells) == 1 and cells[0].data_type == "s"  # a plain string, never a formula
    assert cells[0].value in (name, name.replace("\r", "\n"))


def test_csv_cells():
    assert csv_cell(None) == ""
    assert csv_cell(3) == 3
    assert csv_cell(87.2) == "87,2"
    assert csv_cell("-5") == "'-5"
    assert csv_cell("Noord") == "Noord"


# --- National benchmark -----------------------------------------------------------------


@pytest.fixture
def national(world):
    def cat(dimension, code, label, position=0):
        return NationalCategory.objects.create(dimension=dimension, code=code, label=label, position=position)

    noise = cat(NationalDimension.CONFLICT_TYPE, "C01", "Geluid", 1)
    neighbours = cat(NationalDimension.CONFLICT_TYPE, "C02", "Erf en tuin", 2)
    resolved = cat(NationalDimension.OUTCOME, "U01", "Opgelost", 1)
    not_resolved = cat(NationalDimension.OUTCOME, "U02", "Niet opgelost", 2)
    self_ = cat(NationalDimension.REFERRER, "V01", "Zelfmelder", 1)
    corporation = cat(NationalDimension.REFERRER, "V02", "Woningcorporatie", 2)
    phone = cat(NationalDimension.CHANNEL, "K01", "Telefoon", 1)
    cat(NationalDimension.CHANNEL, "K02", "Internet", 2)
    service = world.service
    for name in ("Geluidsoverlast door personen", "Geluidsoverlast door apparatuur/muziek"):
        NationalCategoryMapping.objects.create(
            service=service, national_category=noise, conflict_type=ConflictType.objects.get(service=service, name=name)
        )
    for name in ("Erfafscheiding, schutting, overhangende takken", "Tuin- en buitenproblemen"):
        NationalCategoryMapping.objects.create(
            service=service,
            national_category=neighbours,
            conflict_type=ConflictType.objects.get(service=service, name=name),
        )
    for name, category in ((R_JOINT, resolved), (R_ADVICE, resolved), (PARTIAL, not_resolved)):
        NationalCategoryMapping.objects.create(
            service=service, national_category=category, outcome=Outcome.objects.get(service=service, name=name)
        )
    NationalCategoryMapping.objects.create(service=service, national_category=self_, referrer_kind="self_reporter")
    NationalCategoryMapping.objects.create(
        service=service, national_category=corporation, referrer_kind=OrganisationKind.HOUSING_CORPORATION
    )
    NationalCategoryMapping.objects.create(service=service, national_category=phone, channel=Channel.PHONE)
    NationalCategoryMapping.objects.create(service=service, national_category=phone, channel=Channel.DESK)


def test_the_benchmark_counts_per_national_code(world, national):
    rows = [(r.dimension, r.code, r.count) for r in benchmark_for(scope_for(world, Period.year(2025)))]
    assert rows == [
        ("key_figures", "MELDINGEN", 13),
        ("key_figures", "GESCHIKT", 5),
        ("key_figures", "NIET_GESCHIKT", 2),
        ("key_figures", "AFGESLOTEN", 6),
        ("key_figures", "AFGESLOTEN_GESCHIKT", 4),
        ("key_figures", "OPGELOST_GESCHIKT", 2),
        ("conflict_type", "C01", 4),  # C1, C2, C6, C9 (C1 once, though it has two types)
        ("conflict_type", "C02", 1),  # C15's garden (C5's fence is 2024)
        # unmapped: C1 animals, C3, C4, C8, C9 other, C11, C12, C13, C14, and C7 without any type
        ("conflict_type", "ONGEKOPPELD", 10),
        ("outcome", "U01", 3),  # C1, C5 joint; C15 advice
        ("outcome", "U02", 1),  # C3 partially
        ("outcome", "ONGEKOPPELD", 2),  # C7 by itself, C8 referred on
        ("referrer", "V01", 10),
        ("referrer", "V02", 2),
        ("referrer", "ONGEKOPPELD", 1),  # police
        ("channel", "K01", 7),  # 6 by phone, 1 at the desk
        ("channel", "K02", 0),
        ("channel", "ONGEKOPPELD", 6),  # self-reports and referrals
    ]


def test_the_benchmark_export_is_anonymous_and_audited(world, national, login, coordinator):
    from openpyxl import load_workbook

    client = login(coordinator)
    rows = read_csv(client.get(reverse("figures:benchmark", args=["csv"]), {"period": "year", "year": 2025}))
    assert rows[0] == ["periode_van", "periode_tot_en_met", "dimensie", "code", "omschrijving", "aantal"]
    assert ["2025-01-01", "2025-12-31", "conflict_type", "C01", "Geluid", "4"] in rows
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("figures:benchmark", args=["xlsx"]), {"period": "year", "year": 2025}).content)
    )
    assert ("2025-01-01", "2025-12-31", "channel", "K01", "Telefoon", 7) in list(
        workbook.active.iter_rows(values_only=True)
    )
    assert list(
        AccessLog.objects.filter(action=AccessAction.EXPORT).order_by("id").values_list("object_id", "detail")
    ) == [("benchmark_csv", "18"), ("benchmark_xlsx", "18")]


def test_a_mapping_must_fit_its_dimension_and_service(world, other_service):
    code = NationalCategory.objects.create(dimension=NationalDimension.OUTCOME, code="U01", label="Opgelost")
    noise = ConflictType.objects.get(service=world.service, name="Geluidsoverlast door personen")
    with pytest.raises(ValidationError, match="dimensie"):
        NationalCategoryMapping(service=world.service, national_category=code, conflict_type=noise).full_clean()
    foreign = Outcome.objects.filter(service=other_service).first()
    with pytest.raises(ValidationError, match="andere bemiddelingsorganisatie"):
        NationalCategoryMapping(service=world.service, national_category=code, outcome=foreign).full_clean()
    with pytest.raises(ValidationError, match="precies één"):
        NationalCategoryMapping(service=world.service, national_category=code).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        NationalCategoryMapping.objects.create(
            service=world.service, national_category=code, channel=Channel.PHONE, referrer_kind="police"
        )


def test_admins_edit_the_national_list_and_the_mappings_in_django_admin(admin_user, client, world):
    client.force_login(admin_user)
    assert client.get(reverse("admin:reports_nationalcategory_add")).status_code == 200
    response = client.post(
        reverse("admin:reports_nationalcategory_add"),
        {"dimension": "channel", "code": "K01", "label": "Telefoon", "position": 1, "is_active": "on"},
    )
    assert response.status_code == 302
    category = NationalCategory.objects.get(code="K01")
    response = client.post(
        reverse("admin:reports_nationalcategorymapping_add"),
        {"service": world.service.pk, "national_category": category.pk, "channel": "phone", "referrer_kind": ""},
    )
    assert response.status_code == 302
    assert NationalCategoryMapping.objects.get().channel == Channel.PHONE
    for name in ("admin:reports_nationalcategory_changelist", "admin:reports_nationalcategorymapping_changelist"):
        assert client.get(reverse(name)).status_code == 200
    assert "Telefonisch → K01 Telefoon" in client.get(reverse("admin:reports_nationalcategorymapping_changelist")).text


# --- Queries ----------------------------------------------------------------------------


def populate(service, coordinator, mediator, n: int) -> None:
    """n cases in 2025 through the services: received, suitable, assigned, talked to, closed, reopened."""
    outcome = Outcome.objects.get(service=service, name=R_JOINT)
    types = list(ConflictType.objects.filter(service=service)[:3])
    for i in range(n):
        day = dt.date(2025, 1 + i % 12, 1 + i % 27)

        def when(hour):
            return at(day.year, day.month, day.day, hour)  # noqa: B023 (used within the iteration)

        case = case_create(
            service=service,
            actor=coordinator,
            channel=Channel.PHONE if i % 2 else Channel.DESK,
            reported_on=day,
            parties=[party_data(side=Side.A)],
            conflict_types=types[: 1 + i % 3],
            at=when(9),
        )
        case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator, at=when(11))
        case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator, at=when(12))
        if i % 2 == 0:
            mediator_assign(case=case, mediator=mediator, actor=coordinator, started_on=day, at=when(13))
        conversation_log(case=case, actor=coordinator, kind=ConversationKind.JOINT, held_on=day, at=when(14))
        if i % 3 == 0:
            case_transition(case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome, at=when(16))
        if i % 6 == 0:
            case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator, reason="Terug", at=when(17))


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_data(service, coordinator, login, subtests):
    """Every figures page and export, on a small and a ten times larger service (built once)."""
    client = login(coordinator)
    mediator = MediatorProfileFactory(service=service, max_cases=99)
    MunicipalityFactory(service=service, name="Aland")
    MunicipalityFactory(service=service, name="Bedorp")
    params = {"period": "year", "year": 2025}
    urls = [reverse(name, args=args) for name, args in URLS]
    populate(service, coordinator, mediator, 4)
    # The live path: this test's writes are not committed, so nothing is read from or kept in
    # the figures' snapshots (reports/snapshots.py; the kept path: tests/reports/test_snapshots.py).
    assert generations.changed_here(service.pk)
    small = [count_queries(client, url, params) for url in urls]
    populate(service, coordinator, mediator, 40)
    for i in range(10):
        MediatorProfileFactory(service=service, name=f"Extra {i}")
        NeighbourhoodFactory(service=service, name=f"Wijk {i}")
    for url, queries in zip(urls, small, strict=True):
        with subtests.test(url=url):
            large = count_queries(client, url, params)
            assert queries == large
            assert large <= 38


def test_the_figures_themselves_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    scope = scope_for(world, Period.year(2025))
    with django_assert_num_queries(26):
        figures_for(scope)


def test_the_indexes_for_the_figures_exist(db):
    with connection.cursor() as cursor:
        names = {
            index
            for table in ("cases_case", "cases_assignment", "cases_conversation", "cases_agreement")
            for index in connection.introspection.get_constraints(cursor, table)
        }
    assert {
        "case_service_suitability_idx",
        "case_service_contact_idx",
        "assignment_mediator_start_idx",
        "conversation_service_date_idx",
        "agreement_service_judged_idx",
    } <= names


def test_a_user_without_a_service_cannot_see_figures(client, db):
    user = UserFactory(username="zwerver", service=None, role=Role.COORDINATOR)
    client.force_login(user)
    assert client.get(reverse("figures:overview")).status_code == 403
