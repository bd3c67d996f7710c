import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import TruncDate

BACKFILL_SERVICE = """
UPDATE cases_agreement
SET service_id = (SELECT cases_case.service_id FROM cases_case WHERE cases_case.id = cases_agreement.case_id)
"""


def kept_from_is_kept(apps, schema_editor):
    """True -> kept, False -> not kept; unknown stays not judged. The old field had no date of
    the judgement: the row's last change is the best there is."""
    Agreement = apps.get_model("cases", "Agreement")
    judged_on = TruncDate("updated_at")
    Agreement.objects.filter(is_kept=True).update(kept="kept", kept_judged_on=judged_on)
    Agreement.objects.filter(is_kept=False).update(kept="not_kept", kept_judged_on=judged_on)


def is_kept_from_kept(apps, schema_editor):
    Agreement = apps.get_model("cases", "Agreement")
    Agreement.objects.filter(kept="kept").update(is_kept=True)
    Agreement.objects.filter(kept="not_kept").update(is_kept=False)
    # "Partly" has no place in a yes/no field: it goes back to unknown.


class Migration(migrations.Migration):
    """Agreements are followed up: kept / partly / not kept with a date, and carry their
    case's service for the figures (as conversations do, 0007).

    Filled here; the old field goes and the new ones are constrained in the next migration
    (PostgreSQL refuses to alter a table with the foreign-key checks of this update still
    pending in the same transaction).
    """

    dependencies = [
        ("buurtbemiddeling", "0011_submissions_and_rate_counters"),
        ("cases", "0020_event_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="service",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="buurtbemiddeling.mediationservice",
                verbose_name="bemiddelingsorganisatie",
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="kept",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Nog niet beoordeeld"),
                    ("kept", "Nagekomen"),
                    ("partly", "Deels nagekomen"),
                    ("not_kept", "Niet nagekomen"),
                ],
                default="",
                max_length=10,
                verbose_name="nagekomen",
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="kept_judged_on",
            field=models.DateField(blank=True, null=True, verbose_name="beoordeeld op"),
        ),
        migrations.RunSQL(BACKFILL_SERVICE, reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(kept_from_is_kept, is_kept_from_kept),
    ]
