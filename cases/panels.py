"""The coordinator's pages of cases that other apps add to (buurtbemiddeling/panels.py).

The case page, slots "summary" (under the case details: where the case came from, e.g.
the referral) and "work" (under the description: the work with partner organisations);
and "mediators" (under the assignment list: who of the mediators knows a party,
cases/volunteers.py); the mediator's case page shows no panels. The intake page (a new
phone or desk report), slot "top": other ways a report comes in (a professional's referral).
"""

from buurtbemiddeling.panels import PanelRegistry

case_page = PanelRegistry("case page", slots=("summary", "work", "mediators"))

register = case_page.register
panels_for = case_page.panels_for

intake_page = PanelRegistry("intake page", slots=("top",))
