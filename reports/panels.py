"""The letters panel on the coordinator's case page (registered with cases.panels)."""

from buurtbemiddeling.roles import PERM_COORDINATE
from cases import panels
from cases.models import Case

from . import selectors
from .forms import LetterChoiceForm


@panels.register(name="letters", slot="work", template="letters/_case_panel.html", order=200)
def case_panel(request, case: Case) -> dict | None:
    """Which letter, for whom: a short form that opens the letter to print or download."""
    if not request.user.has_perm(PERM_COORDINATE):
        return None
    parties = selectors.letter_parties(case)
    templates = selectors.letter_templates_for(request.user)
    return {"form": LetterChoiceForm(templates=templates, parties=parties), "anonymised": case.anonymised_at}
