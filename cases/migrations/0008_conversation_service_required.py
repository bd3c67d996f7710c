import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("buurtbemiddeling", "0007_backup_codes"),
        ("cases", "0007_conversation_service"),
    ]

    operations = [
        migrations.AlterField(
            model_name="conversation",
            name="service",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="buurtbemiddeling.mediationservice",
                verbose_name="bemiddelingsorganisatie",
            ),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(fields=["service", "held_on"], name="conversation_service_date_idx"),
        ),
    ]
