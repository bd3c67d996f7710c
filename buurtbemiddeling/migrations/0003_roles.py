"""Create the four role groups and grant them their permissions.

Code asks `user.has_perm(...)`; which role holds which permission is data, set here.
Later changes to the roles come as new migrations, never as edits to this one.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_REFERENCE = [
    ("buurtbemiddeling", "view_neighbourhood"),
    ("buurtbemiddeling", "view_municipality"),
    ("cases", "view_conflicttype"),
    ("cases", "view_unsuitabilityreason"),
    ("cases", "view_outcome"),
]

ROLES = {
    "Coördinatoren": VIEW_REFERENCE
    + [
        ("cases", "coordinate_case"),
        ("cases", "view_case"),
        ("cases", "add_case"),
        ("cases", "change_case"),
        ("cases", "view_party"),
        ("cases", "add_party"),
        ("cases", "change_party"),
        ("cases", "view_conversation"),
        ("cases", "add_conversation"),
        ("cases", "view_agreement"),
        ("cases", "add_agreement"),
        ("cases", "change_agreement"),
        ("cases", "view_assignment"),
        ("cases", "add_assignment"),
        ("cases", "change_assignment"),
        ("cases", "view_mediatorprofile"),
        ("cases", "view_caseevent"),
        ("partners", "view_partnerorganisation"),
        ("referrals", "view_referral"),
    ],
    "Bemiddelaars": [
        ("cases", "mediate_case"),
        ("cases", "view_case"),
        ("cases", "view_party"),
        ("cases", "view_conversation"),
        ("cases", "add_conversation"),
        ("cases", "view_agreement"),
        ("cases", "add_agreement"),
    ],
    "Verwijzers": [
        ("referrals", "submit_referral"),
    ],
    "Beheerders": [
        (app, f"{action}_{model}")
        for app, models in {
            "buurtbemiddeling": ["mediationservice", "municipality", "postcoderange", "neighbourhood", "user"],
            "partners": ["partnerorganisation"],
            "cases": ["conflicttype", "unsuitabilityreason", "outcome", "mediatorprofile", "mediatoracquaintance"],
        }.items()
        for model in models
        for action in ("view", "add", "change", "delete")
    ]
    + [
        ("auth", "view_group"),
        ("cases", "view_case"),
        ("referrals", "view_referral"),
    ],
}


def grant_roles(apps):
    """Create the groups and give each its permissions (the permissions must exist)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in perms:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    grant_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("buurtbemiddeling", "0002_initial"),
        ("cases", "0001_initial"),
        ("partners", "0001_initial"),
        ("referrals", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
