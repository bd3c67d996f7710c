"""Grant the collaboration records to the coordinator and admin roles.

Coordinators work with partners in the app: view, add and change partner organisations and
every collaboration record (never delete: history stays). Admins get everything, in Django
admin. Referrers get nothing here: partner users never see these records.
Copies the pattern of buurtbemiddeling/migrations/0003_roles.py.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_MODELS = [
    "contactperson",
    "workingagreement",
    "consultation",
    "disclosureconsent",
    "pretrajectory",
    "pretrajectoryparticipation",
    "accompaniment",
    "jointvisit",
]

GRANTS = {
    "Coördinatoren": [
        ("partners", f"{action}_{model}")
        for model in ["partnerorganisation", *NEW_MODELS]
        for action in ("view", "add", "change")
    ],
    "Beheerders": [
        ("partners", f"{action}_{model}") for model in NEW_MODELS for action in ("view", "add", "change", "delete")
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in perms:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, codename in perms:
            if group_name == "Beheerders" and codename.endswith("_partnerorganisation"):
                continue
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        if group_name == "Coördinatoren":
            # view_partnerorganisation came with the role itself (buurtbemiddeling 0003).
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="partners", codename="view_partnerorganisation")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("buurtbemiddeling", "0003_roles"),
        ("partners", "0002_collaboration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
