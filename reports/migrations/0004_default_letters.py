"""Every existing service gets the standard letters (new ones get them from reports/receivers.py)."""

from django.db import migrations

# The standard texts of reports/constants.py (an admin edits them afterwards).
from reports.constants import DEFAULT_LETTERS


def add_default_letters(apps, schema_editor):
    MediationService = apps.get_model("buurtbemiddeling", "MediationService")
    LetterTemplate = apps.get_model("reports", "LetterTemplate")
    for service in MediationService.objects.all():
        present = set(LetterTemplate.objects.filter(service=service).values_list("name", flat=True))
        LetterTemplate.objects.bulk_create(
            LetterTemplate(service=service, kind=str(kind), name=name, subject=subject, body=body)
            for kind, name, subject, body in DEFAULT_LETTERS
            if name not in present
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_lettertemplate"),
    ]

    operations = [
        migrations.RunPython(add_default_letters, migrations.RunPython.noop, elidable=True),
    ]
