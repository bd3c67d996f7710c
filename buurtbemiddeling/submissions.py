"""Each form is stored once, however often it is sent (a double click, two tabs, a retry).

A form that stores something carries a random key (`{% submission_key %}` beside the CSRF
token). SubmissionKeyMiddleware claims the key and runs the view in one transaction: the
key is unique in the database, so a second post with the same key waits for the first and
is then sent where the first one led, with nothing stored again; when the first failed (a
form error, a refusal, an exception) its claim is gone and the next post goes ahead. This
holds across app instances, unlike a check in the cache.

Views that store in several steps of their own (the public self-report) call `claim` and
`record` themselves.
"""

import re
import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Submission

FIELD = "submission_key"
KEY_RE = re.compile(r"^[0-9a-f]{32}$")
# Keys are stored as "<scope>:<key>" in a column of 80 characters.
MAX_KEY = 80
# Keys are kept this long (a form left open over a weekend still recognises its repeat).
KEEP_FOR = timedelta(days=7)


class AlreadySubmitted(Exception):
    def __init__(self, result: str):
        super().__init__(result)
        self.result = result


def new_key() -> str:
    return uuid.uuid4().hex


def claim(key: str | None, *, scope: str) -> Submission | None:
    """Take the key for this submission; raises AlreadySubmitted when it was taken before.

    Call inside the transaction that stores the form's result. No key (a page from before
    this existed): nothing to claim, None.
    """
    if not key:
        return None
    if len(f"{scope}:{key}") > MAX_KEY:
        raise ValueError("submission key too long")
    try:
        with transaction.atomic():
            return Submission.objects.create(key=f"{scope}:{key}")
    except IntegrityError:
        first = Submission.objects.filter(key=f"{scope}:{key}").values_list("result", flat=True).first()
        raise AlreadySubmitted(first or "") from None


def record(submission: Submission | None, *, result: str) -> None:
    if submission is not None:
        submission.result = result[:200]
        submission.save(update_fields=["result"])


def prune() -> int:
    """Forget keys older than KEEP_FOR (run with the nightly retention job)."""
    deleted, _rows = Submission.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
