"""The partner organisation page: the panels other apps add to it (buurtbemiddeling/panels.py).

Slot "figures": what came of the organisation's work with the service (referrals).
"""

from collections.abc import Callable

from django.db.models import Expression, QuerySet

from buurtbemiddeling.panels import PanelRegistry

organisation_page = PanelRegistry("partner organisation page", slots=("figures",))

register = organisation_page.register
panels_for = organisation_page.panels_for


# --- The volunteer pages (organisations/views.py) ------------------------------------------
#
# Slot "cases" of a mediator's profile: their current cases and recorded acquaintances
# (cases/volunteers.py). The load (open cases now) is a rule of cases too: cases gives an
# expression that the overview and the profile annotate as `load`; without one, no load shows.

volunteer_page = PanelRegistry("volunteer page", slots=("cases",))


class LoadHook:
    """One expression `() -> Expression` for a MediatorProfile queryset's `load`, set by a higher app."""

    def __init__(self):
        self._expression: Callable[[], Expression] | None = None

    def register(self, expression: Callable[[], Expression]) -> Callable[[], Expression]:
        self._expression = expression
        return expression

    @property
    def known(self) -> bool:
        return self._expression is not None

    def annotate(self, queryset: QuerySet) -> QuerySet:
        return queryset if self._expression is None else queryset.annotate(load=self._expression())


mediator_load = LoadHook()
