"""Moving a model to another app without touching its table (for migrations).

The model's table stays; only Django's state changes. Its content type is renamed to the
new app, so its permissions (and the groups and users holding them) and the change-log
entries that point at it follow the model instead of being left behind as stale rows.

A content type for the new app may exist already (new code served before `migrate` ran,
or a migration rolled back and applied again). Its permissions (with the groups and users
holding them) and admin log entries are moved onto the renamed one. Change-log entries
cannot move: the change log is append-only (migration 0005). When it has any, the early
content type is parked under another app label instead of deleted, so those entries stay
readable; otherwise it is deleted.
"""

APPEND_ONLY = {"auditlog.logentry"}


def _pointing_at(apps, label: str):
    """(model, field) pairs of every foreign key and many-to-many field to `label`."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            forward = (field.many_to_one and field.concrete) or (field.many_to_many and not field.auto_created)
            if not forward:
                continue
            if field.related_model is not None and field.related_model._meta.label_lower == label:
                yield model, field


def _merge_content_type(apps, *, keep, drop) -> None:
    """Move everything that points at content type `drop` onto `keep`."""
    Permission = apps.get_model("auth", "Permission")
    for model, field in _pointing_at(apps, "contenttypes.contenttype"):
        if model is Permission or field.many_to_many or model._meta.label_lower in APPEND_ONLY:
            continue
        model._base_manager.filter(**{field.name: drop}).update(**{field.name: keep})
    # Permissions are unique per (content type, codename): the renamed type brings its own.
    for duplicate in Permission.objects.filter(content_type=drop):
        original = Permission.objects.filter(content_type=keep, codename=duplicate.codename).first()
        if original is None:
            duplicate.content_type = keep
            duplicate.save(update_fields=["content_type"])
            continue
        for _model, field in _pointing_at(apps, "auth.permission"):
            if not field.many_to_many:
                continue
            through = field.remote_field.through
            holder, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            holders = through.objects.filter(**{target: original}).values_list(holder, flat=True)
            through.objects.filter(**{target: duplicate}).exclude(**{f"{holder}__in": holders}).update(
                **{target: original}
            )
        duplicate.delete()


def _still_pointed_at(apps, content_type) -> bool:
    return any(
        model._base_manager.filter(**{field.name: content_type}).exists()
        for model, field in _pointing_at(apps, "contenttypes.contenttype")
        if not field.many_to_many
    )


def move_content_types(old_app: str, new_app: str, models: list[str]):
    """A RunPython pair (forwards, backwards) that moves these models' content types."""

    def rename(apps, from_app, to_app):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            old = ContentType.objects.filter(app_label=from_app, model=model).first()
            if old is None:
                continue
            made_early = ContentType.objects.filter(app_label=to_app, model=model).first()
            if made_early is not None:
                _merge_content_type(apps, keep=old, drop=made_early)
                if _still_pointed_at(apps, made_early):
                    made_early.app_label = f"{to_app}_early_{made_early.pk}"
                    made_early.save(update_fields=["app_label"])
                else:
                    made_early.delete()
            old.app_label = to_app
            old.save(update_fields=["app_label"])

    def forwards(apps, schema_editor):
        rename(apps, old_app, new_app)

    def backwards(apps, schema_editor):
        rename(apps, new_app, old_app)

    return forwards, backwards
