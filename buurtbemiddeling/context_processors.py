from .constants import Role


def navigation(request):
    """The user's role, so the base template can show the navigation that fits it."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    return {"user_role": role, "Role": Role}
