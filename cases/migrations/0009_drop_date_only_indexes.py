from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_conversation_service_required'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='assignment',
            name='assignment_started_idx',
        ),
        migrations.RemoveIndex(
            model_name='conversation',
            name='conversation_held_idx',
        ),
    ]
