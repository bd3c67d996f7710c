"""Letters from the case page: choose a letter and a party, print it or download it as PDF.

Coordinators of the case's service only (others: 403; a case of another service, a
party of another case, a template of another service: 404). Every letter shown or
downloaded is a line on the case's timeline and a row in the access log.
"""

import re

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from buurtbemiddeling import audit
from buurtbemiddeling.roles import PERM_COORDINATE
from cases.selectors import case_get_or_404

from . import selectors, services
from .forms import LetterChoiceForm
from .pdf import letter_pdf


@require_GET
@permission_required(PERM_COORDINATE, raise_exception=True)
def letter_choose(request, reference):
    """The panel's form on a page of its own: sent without a choice, or with a wrong one."""
    case = case_get_or_404(request, reference)
    templates = selectors.letter_templates_for(request.user)
    form = LetterChoiceForm(request.GET or None, templates=templates, parties=selectors.letter_parties(case))
    if form.is_valid():
        return redirect(
            "letters:letter",
            reference=case.reference,
            party_id=form.cleaned_data["partij"].pk,
            template_id=form.cleaned_data["sjabloon"].pk,
        )
    return render(request, "letters/choose.html", {"case": case, "form": form})


def _letter(request, reference, party_id, template_id):
    case = case_get_or_404(request, reference)
    party = get_object_or_404(selectors.letter_parties(case), pk=party_id)
    template = get_object_or_404(selectors.letter_templates_for(request.user), pk=template_id)
    letter = selectors.letter_for(case=case, party=party, template=template, user=request.user)
    return case, party, template, letter


@require_GET
@permission_required(PERM_COORDINATE, raise_exception=True)
def letter_page(request, reference, party_id, template_id):
    case, party, template, letter = _letter(request, reference, party_id, template_id)
    services.letter_made(case=case, party=party, template=template, actor=request.user, fmt="page")
    audit.letter_made(request, case=case, party_id=party.pk, fmt="page")
    context = {"case": case, "party": party, "template": template, "letter": letter, "service": case.service}
    return render(request, "letters/letter.html", context)


@require_GET
@permission_required(PERM_COORDINATE, raise_exception=True)
def letter_download(request, reference, party_id, template_id):
    case, party, template, letter = _letter(request, reference, party_id, template_id)
    logo = getattr(case.service, "logo", None) if case.service.logo_updated_at else None
    content = letter_pdf(letter, logo=bytes(logo.content) if logo else None, title=template.name)
    services.letter_made(case=case, party=party, template=template, actor=request.user, fmt="pdf")
    audit.letter_made(request, case=case, party_id=party.pk, fmt="pdf")
    response = HttpResponse(content, content_type="application/pdf")
    # The file name says which letter and which case, never whom it is for.
    name = re.sub(r"[^a-z0-9]+", "-", template.name.lower()).strip("-") or "brief"
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-{name}.pdf"'
    return response
