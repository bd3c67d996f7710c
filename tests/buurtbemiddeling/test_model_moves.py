"""Moving models between apps keeps their change log and permissions (buurtbemiddeling/model_moves.py).

Walks the real migrations back to before the move and forward again, with a content type
for the new app made early (new code served before `migrate` ran): nothing that pointed
at either content type is lost (the change log is append-only, so its entries on the early
content type stay there, parked).
"""

import pytest
from auditlog.context import disable_auditlog
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("organisations", None), ("reports", None)]  # back to before the move


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_keeps_change_log_entries_and_granted_permissions(django_user_model):
    from auditlog.models import LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    try:
        _migrate(BEFORE)
        ContentType.objects.clear_cache()
        old = ContentType.objects.get(app_label="partners", model="contactperson")
        old_entry = LogEntry.objects.create(content_type=old, object_pk="1", object_repr="#1", action=0, changes={})
        # New code served before migrate: it made its own content type, logged a change
        # against it and granted its permission to a group and a user.
        early = ContentType.objects.create(app_label="organisations", model="contactperson")
        early_entry = LogEntry.objects.create(content_type=early, object_pk="2", object_repr="#2", action=1, changes={})
        early_perm = Permission.objects.create(content_type=early, codename="view_contactperson", name="x")
        only_early = Permission.objects.create(content_type=early, codename="export_contactperson", name="y")
        group = Group.objects.create(name="Testgroep")
        group.permissions.add(early_perm, only_early)
        with disable_auditlog():  # its diff would read today's mediator columns from yesterday's table
            user = django_user_model.objects.create(username="early")
        user.user_permissions.add(early_perm)

        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()

        moved = ContentType.objects.get(app_label="organisations", model="contactperson")
        assert moved.pk == old.pk
        assert not ContentType.objects.filter(app_label="partners", model="contactperson").exists()
        assert LogEntry.objects.filter(content_type=moved, pk=old_entry.pk).exists()
        # The early entry cannot move (the change log is append-only): it stays, readable,
        # on the early content type, parked under another label.
        early_entry = LogEntry.objects.select_related("content_type").get(pk=early_entry.pk)
        assert early_entry.content_type_id == early.pk
        assert early_entry.content_type.app_label == f"organisations_early_{early.pk}"
        granted = set(group.permissions.values_list("content_type_id", "codename"))
        assert {(moved.pk, "view_contactperson"), (moved.pk, "export_contactperson")} <= granted
        assert set(user.user_permissions.values_list("content_type_id", "codename")) == {
            (moved.pk, "view_contactperson")
        }
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        call_command("migrate", verbosity=0)  # the role groups as the table says
