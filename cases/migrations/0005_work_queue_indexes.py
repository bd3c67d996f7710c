from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('buurtbemiddeling', '0007_backup_codes'),
        ('cases', '0004_figures_indexes_in_meta'),
        ('partners', '0004_collaboration_service_date_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('status__in', ['registered', 'intake', 'standby', 'suitable', 'in_mediation', 'follow_up'])), fields=['coordinator', '-reported_on', '-id'], name='case_coordinator_open_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('status', 'suitable')), fields=['service', 'suitability_decided_at', 'id'], name='case_suitable_idx'),
        ),
    ]
