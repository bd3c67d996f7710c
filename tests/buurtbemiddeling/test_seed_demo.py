import pytest
from django.core.management import CommandError, call_command

from buurtbemiddeling.models import MediationService, User
from cases.constants import CaseStatus
from cases.models import Case
from partners.constants import OrganisationKind
from partners.models import PartnerOrganisation


def test_seed_demo_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_runs_twice_and_the_second_run_changes_nothing(db, settings, client, capsys):
    settings.DEBUG = True
    call_command("seed_demo", cases=40)
    counts = (MediationService.objects.count(), User.objects.count(), Case.objects.count())
    call_command("seed_demo", cases=40)
    assert (MediationService.objects.count(), User.objects.count(), Case.objects.count()) == counts
    assert counts[0] == 2
    # Partners of every kind, in each service.
    for service in MediationService.objects.all():
        kinds = set(PartnerOrganisation.objects.filter(service=service).values_list("kind", flat=True))
        assert kinds == set(OrganisationKind.values)
    # Cases spread over every status.
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    # The printed logins work with the printed password.
    output = capsys.readouterr().out
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
