"""The coordinator's case page: the panels other apps add to it (buurtbemiddeling/panels.py).

Slots: "summary" (under the case details: where the case came from, e.g. the referral)
and "work" (under the description: the work with partner organisations). The mediator's
case page shows no panels.
"""

from buurtbemiddeling.panels import PanelRegistry

case_page = PanelRegistry("case page", slots=("summary", "work"))

register = case_page.register
panels_for = case_page.panels_for
