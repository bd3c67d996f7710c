from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_work_queue_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(fields=['mediator', 'started_on'], name='assignment_mediator_start_idx'),
        ),
    ]
