from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The figures' indexes, now declared in Meta.indexes; a partial index for reopen events.

    Migration 0003 created four indexes with raw SQL (CREATE INDEX IF NOT EXISTS). They are
    the same indexes, with the same names, as those declared now in the models, so only
    Django's state learns about them here; the database already has them.
    """

    dependencies = [
        ("buurtbemiddeling", "0007_backup_codes"),
        ("cases", "0003_national_mapping_figures"),
        ("partners", "0003_coordinator_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="assignment",
                    index=models.Index(fields=["started_on"], name="assignment_started_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(
                        fields=["service", "suitability_decided_at"], name="case_service_suitability_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["service", "first_contact_at"], name="case_service_contact_idx"),
                ),
                migrations.AddIndex(
                    model_name="conversation",
                    index=models.Index(fields=["held_on"], name="conversation_held_idx"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                condition=models.Q(
                    ("from_status__in", ["closed", "unsuitable"]), ("kind", "status_changed"), ("to_status", "intake")
                ),
                fields=["created_at"],
                name="caseevent_reopened_idx",
            ),
        ),
    ]
