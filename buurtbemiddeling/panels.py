"""Page panels: how an app adds its part to a page of an app it builds on.

A lower app's page (the case page, the partner organisation page) does not know what the
apps above it show. It owns a `PanelRegistry`; each higher app registers a panel there
from its AppConfig.ready: a template and a function that gives the template its data for
one object, or None when the panel has nothing to show. The page renders the panels of
each slot in order; a panel's template sees the page's context plus `panel` (its data).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

PanelData = Callable[[HttpRequest, object], dict | None]


@dataclass(frozen=True)
class Panel:
    name: str
    slot: str
    template: str
    data: PanelData
    order: int = 100


class PanelRegistry:
    def __init__(self, page: str, *, slots: tuple[str, ...]):
        self.page = page
        self.slots = slots
        self._panels: dict[str, Panel] = {}

    def register(self, *, name: str, slot: str, template: str, order: int = 100) -> Callable[[PanelData], PanelData]:
        """Decorator for a panel's data function `(request, obj) -> dict | None`."""
        if slot not in self.slots:
            raise ValueError(f"Unknown slot {slot!r} on the {self.page}; one of {self.slots}")

        def decorator(data: PanelData) -> PanelData:
            self._panels[name] = Panel(name=name, slot=slot, template=template, data=data, order=order)
            return data

        return decorator

    def panels_for(self, request: HttpRequest, obj) -> dict[str, list[dict]]:
        """Per slot, the panels to show for this object: [{"name", "template", "data"}, ...]."""
        shown: dict[str, list[dict]] = {slot: [] for slot in self.slots}
        for panel in sorted(self._panels.values(), key=lambda p: (p.order, p.name)):
            data = panel.data(request, obj)
            if data is not None:
                shown[panel.slot].append({"name": panel.name, "template": panel.template, "data": data})
        return shown
