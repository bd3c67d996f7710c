"""Moving a model to another app without touching its table (for migrations).

The model's table stays; only Django's state changes. Its content type is renamed to the
new app, so its permissions (and the groups holding them) and the change log entries
that point at it follow the model instead of being left behind as stale rows.
"""


def move_content_types(old_app: str, new_app: str, models: list[str]):
    """A RunPython pair (forwards, backwards) that moves these models' content types."""

    def rename(apps, from_app, to_app):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            old = ContentType.objects.filter(app_label=from_app, model=model).first()
            if old is None:
                continue
            # A content type made for the new app before this ran has only the automatic
            # permissions, which the renamed one brings as well.
            ContentType.objects.filter(app_label=to_app, model=model).delete()
            old.app_label = to_app
            old.save(update_fields=["app_label"])

    def forwards(apps, schema_editor):
        rename(apps, old_app, new_app)

    def backwards(apps, schema_editor):
        rename(apps, new_app, old_app)

    return forwards, backwards
