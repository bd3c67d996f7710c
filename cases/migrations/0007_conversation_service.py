import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE cases_conversation
SET service_id = (SELECT cases_case.service_id FROM cases_case WHERE cases_case.id = cases_conversation.case_id)
"""


class Migration(migrations.Migration):
    """Conversations carry their case's service, so the figures need not join every case.

    Filled here; made required in 0008 (PostgreSQL refuses to alter a table with the
    foreign-key checks of this update still pending in the same transaction).
    """

    dependencies = [
        ("buurtbemiddeling", "0007_backup_codes"),
        ("cases", "0006_assignment_mediator_start_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
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
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
