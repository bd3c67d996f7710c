from .constants import Role
from .twofactor import requires_second_factor


def _verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's middleware
    return bool(is_verified and is_verified())


def navigation(request):
    """The user's role, so the base template can show the navigation that fits it, and the
    service whose name, logo and statements the shell shows (a public page passes its own
    `service`). The service comes with the user (backends.UserBackend): no query here."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        # Before the second factor only the way out shows, not a menu of pages that would
        # all send the user back to the code.
        "shell_menu": signed_in and (_verified(user) or not requires_second_factor(user)),
        "user_role": user.role if signed_in else None,
        "Role": Role,
        "shell_service": user.service if signed_in and user.service_id else None,
    }
