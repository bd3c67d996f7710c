"""Background tasks of the ground floor (buurtbemiddeling/background.py)."""

from datetime import time, timedelta

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .background import background_task, daily


@background_task()
def send_password_reset(*, user_id: int, domain: str, use_https: bool, language: str) -> bool:
    """The password-reset link, made when the mail goes (a queued task holds no token)."""
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with translation.override(language):
        PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            context,
            None,
            user.email,
        )
    return True


@daily("housekeeping", at=time(3, 30))
@background_task()
def housekeeping() -> dict:
    """Forget what is only kept for a while (docs/deployment.md, Scheduled jobs).

    Form keys that stopped double submits (a week), rate-limit counters of ended windows,
    background task rows finished more than TASK_KEEP_DAYS ago (they hold no personal data),
    expired sessions.
    """
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from . import ratelimit, submissions

    cutoff = timezone.now() - timedelta(days=settings.TASK_KEEP_DAYS)
    tasks, _rows = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    sessions, _rows = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return {
        "form keys": submissions.prune(),
        "rate counters": ratelimit.prune(),
        "finished tasks": tasks,
        "expired sessions": sessions,
    }
