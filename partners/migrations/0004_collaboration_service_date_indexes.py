from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("buurtbemiddeling", "0007_backup_codes"),
        ("cases", "0004_figures_indexes_in_meta"),
        ("partners", "0003_coordinator_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="accompaniment",
            index=models.Index(fields=["service", "started_on"], name="accompaniment_service_date_idx"),
        ),
        migrations.AddIndex(
            model_name="consultation",
            index=models.Index(fields=["service", "held_on"], name="consultation_service_date_idx"),
        ),
        migrations.AddIndex(
            model_name="jointvisit",
            index=models.Index(fields=["service", "visited_on"], name="jointvisit_service_date_idx"),
        ),
        migrations.AddIndex(
            model_name="pretrajectory",
            index=models.Index(fields=["service", "started_on"], name="pretrajectory_service_date_idx"),
        ),
    ]
