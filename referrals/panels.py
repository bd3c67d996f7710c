"""The referral panel on the coordinator's case page (registered with cases.panels)."""

from cases import panels
from cases.models import Case
from organisations import panels as organisation_panels
from organisations.models import PartnerOrganisation

from . import selectors
from .models import Referral
from .services import WITHDRAWABLE


@panels.register(name="referral", slot="summary", template="referrals/_case_panel.html")
def referral_panel(request, case: Case) -> dict | None:
    """Who referred the case, the recorded consents and the first-contact confirmation."""
    referral = (
        Referral.objects.filter(case=case)
        .select_related("organisation", "referrer", "contact_person", "confirmed_by")
        .prefetch_related("consents__party")
        .first()
    )
    if referral is None:
        return None
    return {"referral": referral, "withdrawable": case.status in WITHDRAWABLE}


@organisation_panels.register(name="referral_figures", slot="figures", template="referrals/_organisation_panel.html")
def organisation_referral_figures(request, organisation: PartnerOrganisation) -> dict:
    """What came of this organisation's referrals: counts only, as its referrers get them."""
    return {"figures": selectors.referral_figures(organisation)}


@panels.intake_page.register(name="phone_referral", slot="top", template="referrals/_intake_panel.html")
def phone_referral_link(request, _nothing) -> dict:
    """A professional on the line: their report goes through the consent gate."""
    return {}
