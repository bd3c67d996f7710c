import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from buurtbemiddeling.models import MediationService, User
from cases.constants import CaseStatus, Channel
from cases.models import Case, CaseEvent, ConflictType, Outcome
from organisations.constants import OrganisationKind
from organisations.models import PartnerOrganisation
from partners.constants import JointVisitOutcome
from partners.models import (
    Accompaniment,
    Consultation,
    DisclosureConsent,
    JointVisit,
    PreTrajectory,
    PreTrajectoryParticipation,
)
from partners.services import has_disclosure
from reports.figures import KEY_FIGURES, UNMAPPED, Period, Scope, benchmark_for
from reports.models import REFERRER_KIND_CHOICES, NationalCategory, NationalCategoryMapping, NationalDimension

COLLABORATIONS = [Consultation, PreTrajectory, Accompaniment, JointVisit]
# Everything a run writes that a second run must leave alone.
COUNTED = [
    MediationService,
    User,
    PartnerOrganisation,
    Case,
    CaseEvent,
    NationalCategory,
    NationalCategoryMapping,
    *COLLABORATIONS,
    PreTrajectoryParticipation,
    DisclosureConsent,
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for this module (seeding takes seconds); rolled back afterwards.

    Each test still runs in its own transaction inside this one, so what a test changes
    (a second seed, a login) is undone before the next test. Returns the printed output.
    """
    output = io.StringIO()
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True, PASSWORD_HASHERS=fast):
            call_command("seed_demo", cases=40, stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


def _counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    users = User.objects.count()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert User.objects.count() == users


def test_seed_demo_runs_twice_and_the_second_run_changes_nothing(seeded, db, settings, client):
    settings.DEBUG = True
    counts = _counts()
    call_command("seed_demo", cases=40, quiet_logins=True)
    assert _counts() == counts
    assert counts["MediationService"] == 2
    assert all(counts[model.__name__] for model in COUNTED), counts
    # Partners of every kind, in each service.
    for service in MediationService.objects.all():
        kinds = set(PartnerOrganisation.objects.filter(service=service).values_list("kind", flat=True))
        assert kinds == set(OrganisationKind.values)
    # Cases spread over every status.
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    # The printed logins work with the printed password.
    output = seeded
    assert "coordinator.rivierstad" in output
    password = output.split("wachtwoord voor allemaal: ")[1].split(")")[0]
    for username in ["coordinator.rivierstad", "bemiddelaar.rivierstad", "verwijzer.rivierstad", "beheerder"]:
        assert username in output
        response = client.post("/inloggen/", {"username": username, "password": password})
        assert response.status_code == 302, username
        client.post("/uitloggen/")
    # The printed backup codes complete the second step for the demo coordinator.
    code = output.split("gebruik een reservecode: ")[1].split(",")[0].strip()
    client.post("/inloggen/", {"username": "coordinator.rivierstad", "password": password})
    response = client.post("/inloggen/code/", {"code": code, "next": "/zaken/werkvoorraad/"})
    assert response.status_code == 302 and response["Location"] == "/zaken/werkvoorraad/"
    assert client.get("/zaken/werkvoorraad/").status_code == 200


def test_each_demo_service_works_with_partners_in_all_four_ways(seeded, db):
    today = timezone.localdate()
    for service in MediationService.objects.all():
        for model in COLLABORATIONS:
            assert model.objects.filter(service=service).exists(), (service, model.__name__)
        for trajectory in PreTrajectory.objects.filter(service=service):
            # Mediation waits on standby; the lead works with at least one other organisation.
            assert trajectory.is_active and trajectory.case.status == CaseStatus.STANDBY
            assert trajectory.case.standby_review_on == trajectory.review_on > today
            assert trajectory.participations.exclude(organisation=trajectory.lead_organisation).exists()
        for accompaniment in Accompaniment.objects.filter(service=service):
            assert accompaniment.organisation.kind in (OrganisationKind.CARE_PROVIDER, OrganisationKind.SHELTER)
            assert accompaniment.conversations.exists()
    # Spread over the last year, never in the future.
    year_ago = today - dt.timedelta(days=365)
    for model, day in [(Consultation, "held_on"), (Accompaniment, "started_on"), (JointVisit, "visited_on")]:
        days = set(model.objects.values_list(day, flat=True))
        assert all(year_ago <= value <= today for value in days), model.__name__
        assert len(days) > 1, model.__name__
    assert set(JointVisit.objects.values_list("outcome", flat=True)) == set(JointVisitOutcome.values)


def test_partners_see_a_self_reporters_case_only_with_the_residents_consent(seeded, db):
    accompaniments = Accompaniment.objects.filter(party__case__channel=Channel.SELF_REPORT)
    assert accompaniments.exists()  # the demo shows the rule at work
    for accompaniment in accompaniments:
        assert DisclosureConsent.objects.filter(
            party=accompaniment.party,
            organisation=accompaniment.organisation,
            withdrawn_on__isnull=True,
            given_on__lte=accompaniment.started_on,
        ).exists()
    # Every link between a case and a partner passes the disclosure rule.
    for accompaniment in Accompaniment.objects.select_related("party__case", "organisation"):
        assert has_disclosure(
            case=accompaniment.party.case, organisation=accompaniment.organisation, party=accompaniment.party
        )
    for visit in JointVisit.objects.filter(case__isnull=False):
        assert has_disclosure(case=visit.case, organisation=visit.organisation, party=visit.party)
    for participation in PreTrajectoryParticipation.objects.select_related("trajectory"):
        trajectory = participation.trajectory
        assert has_disclosure(case=trajectory.case, organisation=participation.organisation, party=trajectory.party)


def test_the_demo_maps_everything_onto_the_demo_national_code_list(seeded, db):
    assert set(NationalCategory.objects.values_list("dimension", flat=True)) == set(NationalDimension.values)
    assert all(code.startswith("DEMO-") for code in NationalCategory.objects.values_list("code", flat=True))
    today = timezone.localdate()
    period = Period.between(today - dt.timedelta(days=3 * 365), today)
    for service in MediationService.objects.all():
        mappings = NationalCategoryMapping.objects.filter(service=service)
        assert mappings.count() == (
            ConflictType.objects.filter(service=service).count()
            + Outcome.objects.filter(service=service).count()
            + len(REFERRER_KIND_CHOICES)
            + len(Channel.values)
        )
        rows = benchmark_for(Scope(service=service, period=period))
        # benchmark_for always lists ONGEKOPPELD per dimension: in the demo it counts nothing.
        assert [(row.dimension, row.count) for row in rows if row.code == UNMAPPED and row.count] == []
        received = next(row.count for row in rows if row.dimension == KEY_FIGURES and row.code == "MELDINGEN")
        assert received > 0
        for dimension in (NationalDimension.REFERRER, NationalDimension.CHANNEL):
            assert sum(row.count for row in rows if row.dimension == dimension) == received


def test_the_demo_coordinator_sees_collaboration_figures(seeded, db, client):
    client.force_login(User.objects.get(username="coordinator.rivierstad"))
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    response = client.get("/cijfers/", {"period": "custom", "start": start.isoformat(), "end": today.isoformat()})
    assert response.status_code == 200
    collaboration = response.context["figures"]["collaboration"]
    assert {row.key: row.value > 0 for row in collaboration.rows} == {
        "consultation": True,
        "pre_trajectory": True,
        "accompaniment": True,
        "joint_visit": True,
    }
    # The page of the current year (the default) shows them too.
    response = client.get("/cijfers/")
    assert sum(row.value for row in response.context["figures"]["collaboration"].rows) > 0
