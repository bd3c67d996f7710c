"""The roles: who holds which permission, in one table, and a person's role.

Code asks `user.has_perm(...)`; which role holds which permission is the table below,
applied after every `migrate` by `apply_roles`.
The groups then hold exactly these permissions: a change here is a change of the roles,
reviewed as code. A person's role is derived from their permissions, never from a group
name.
"""

from .constants import ROLE_GROUP_NAMES, Role

PERM_COORDINATE = "cases.coordinate_case"
PERM_MEDIATE = "cases.mediate_case"
PERM_REFER = "referrals.submit_referral"
PERM_VIEW_ORGANISATION_REFERRALS = "referrals.view_organisation_referrals"

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
EDIT = (VIEW, ADD, CHANGE)
ALL = (VIEW, ADD, CHANGE, DELETE)

# The partner records of the four ways of working together (partners/).
COLLABORATION_MODELS = (
    "consultation",
    "disclosureconsent",
    "pretrajectory",
    "pretrajectoryparticipation",
    "accompaniment",
    "jointvisit",
)


def _grants(table: dict[str, dict[str, tuple[str, ...]]]) -> set[str]:
    """{"app": {"model": actions}} -> {"app.action_model", ...}; "" as model: a custom codename."""
    perms = set()
    for app, models in table.items():
        for model, actions in models.items():
            if model.startswith("="):
                perms.add(f"{app}.{model[1:]}")
                continue
            perms.update(f"{app}.{action}_{model}" for action in actions)
    return perms


# Role -> permissions ("app_label.codename"). Models of an app are named by their
# lower-case model name; "=codename" is one of the apps' own permissions.
ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COORDINATOR: _grants(
        {
            "buurtbemiddeling": {"neighbourhood": (VIEW,), "municipality": (VIEW,)},
            "organisations": {
                "partnerorganisation": EDIT,
                "contactperson": EDIT,
                "workingagreement": EDIT,
                # The volunteer pool is the coordinators' to keep (#19).
                "mediatorprofile": EDIT,
                "intervisionattendance": ALL,
            },
            "cases": {
                "=coordinate_case": (),
                "case": EDIT,
                "party": EDIT,
                "conversation": (VIEW, ADD),
                "agreement": EDIT,
                "assignment": EDIT,
                "mediatoracquaintance": ALL,
                "appointment": EDIT,
                "caseevent": (VIEW,),
                "conflicttype": (VIEW,),
                "unsuitabilityreason": (VIEW,),
                "outcome": (VIEW,),
            },
            "referrals": {"referral": (VIEW,)},
            "partners": dict.fromkeys(COLLABORATION_MODELS, EDIT),
            # Letters: the admin writes the templates, coordinators make letters from them.
            "reports": {"lettertemplate": (VIEW,)},
        }
    ),
    Role.MEDIATOR: _grants(
        {
            "cases": {
                "=mediate_case": (),
                "case": (VIEW,),
                "party": (VIEW,),
                "conversation": (VIEW, ADD),
                "agreement": (VIEW, ADD),
                "appointment": (VIEW,),
            },
        }
    ),
    Role.REFERRER: _grants({"referrals": {"=submit_referral": ()}}),
    Role.ADMIN: _grants(
        {
            "auth": {"group": (VIEW,)},
            "buurtbemiddeling": dict.fromkeys(
                ("mediationservice", "municipality", "postcoderange", "neighbourhood", "user"), ALL
            ),
            "organisations": dict.fromkeys(
                (
                    "partnerorganisation",
                    "contactperson",
                    "workingagreement",
                    "mediatorprofile",
                    "intervisionattendance",
                ),
                ALL,
            ),
            "cases": {
                **dict.fromkeys(("conflicttype", "unsuitabilityreason", "outcome", "mediatoracquaintance"), ALL),
                "case": (VIEW,),
            },
            "referrals": {"referral": (VIEW,)},
            "partners": dict.fromkeys(COLLABORATION_MODELS, ALL),
            "reports": dict.fromkeys(("nationalcategory", "nationalcategorymapping", "lettertemplate"), ALL),
        }
    ),
}


def role_of(user) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    if user.has_perm(PERM_COORDINATE):
        return Role.COORDINATOR
    if user.has_perm(PERM_MEDIATE):
        return Role.MEDIATOR
    if user.has_perm(PERM_REFER):
        return Role.REFERRER
    if user.is_staff:
        return Role.ADMIN
    return None


def apply_roles(*, using: str = "default") -> None:
    """Give every role group exactly the permissions of ROLE_PERMISSIONS (idempotent)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    by_name = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, perms in ROLE_PERMISSIONS.items():
        missing = perms - by_name.keys()
        if missing:
            raise LookupError(f"Role {role}: unknown permissions {sorted(missing)}")
        group, _created = Group.objects.using(using).get_or_create(name=ROLE_GROUP_NAMES[role])
        group.permissions.set([by_name[perm] for perm in perms])


def apply_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    """post_migrate receiver: once per `migrate`, after all apps' permissions exist.

    Not after a flush (which sends post_migrate without a plan): a test that flushes the
    database may restore a snapshot with the groups in it, and the tests and the demo
    seeder call `apply_roles` themselves when they need the groups.
    """
    if "plan" not in kwargs:
        return
    if app_config is not None and app_config.label == "buurtbemiddeling":
        apply_roles(using=using)


# Tests and the demo seeder used to call this name.
ensure_role_groups = apply_roles


def users_with_permission(perm: str, *, service_id, include_inactive: bool = False):
    """The active users of a service holding `perm` ("app_label.codename") by group or directly;
    `include_inactive`: those who left too (a deactivated account keeps its groups)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    app_label, codename = perm.split(".")
    holds = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    users = get_user_model().objects.filter(holds, service_id=service_id)
    return (
        (users if include_inactive else users.filter(is_active=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
