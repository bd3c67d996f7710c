"""The partner organisation page: the panels other apps add to it (buurtbemiddeling/panels.py).

Slot "figures": what came of the organisation's work with the service (referrals).
"""

from buurtbemiddeling.panels import PanelRegistry

organisation_page = PanelRegistry("partner organisation page", slots=("figures",))

register = organisation_page.register
panels_for = organisation_page.panels_for
