"""Writes of the reports app: a service's standard letters, and a letter made."""

from django.db import transaction

from buurtbemiddeling.models import MediationService, User
from cases import timeline
from cases.constants import EventKind
from cases.models import Case, CaseEvent, Party

from .constants import DEFAULT_LETTERS
from .models import LetterTemplate

LETTER_FORMATS = {"page": "afdrukpagina", "pdf": "PDF"}


def letter_templates_set_up(*, service: MediationService) -> None:
    """Give a service the standard letters it lacks, by name (idempotent; its admin edits them)."""
    present = set(LetterTemplate.objects.filter(service=service).values_list("name", flat=True))
    LetterTemplate.objects.bulk_create(
        LetterTemplate(service=service, kind=kind, name=name, subject=subject, body=body)
        for kind, name, subject, body in DEFAULT_LETTERS
        if name not in present
    )


@transaction.atomic
def letter_made(*, case: Case, party: Party, template: LetterTemplate, actor: User, fmt: str) -> CaseEvent:
    """A letter was made (shown to print, or downloaded): its line on the case's timeline.

    The template's name and the party, never the letter's text.
    """
    side = party.get_side_display()
    who = f"{party.name} ({side})" if party.name else str(side)
    return timeline.record(
        case=case,
        kind=EventKind.LETTER_MADE,
        actor=actor,
        reason=f"{template.name} · {who} · {LETTER_FORMATS[fmt]}",
    )
