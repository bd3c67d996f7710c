"""The figures section (Cijfers): the page with charts and tables, and its exports.

Coordinators only, and only their own service. The numbers come from cases/figures.py;
this module chooses the scope (period, municipality), draws the charts as inline SVG on
the server (no script, no inline style: classes in static/css/figures.css) and writes the
CSV and Excel files. Exports hold counts and category names only, never personal data,
and each is written to the access log.
"""

import datetime as dt
import io
import math
import re
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtbemiddeling import audit
from buurtbemiddeling.exports import csv_response
from buurtbemiddeling.forms import ModelChoiceField
from buurtbemiddeling.models import Municipality
from buurtbemiddeling.roles import PERM_COORDINATE

from . import snapshots
from .figures import DEFINITIONS, Figures, Period, Row, Scope, benchmark_for, figures_for

EXPORT_FORMATS = ("csv", "xlsx")
MAX_PERIOD_DAYS = 366 * 5
# An own period lies between the first Dutch neighbour-mediation services (the 1990s) and the
# end of next year: no case lies outside, and a day near the year 1 or 9999 has no day
# before or after it to count from (a server error, #22).
FIRST_DAY = dt.date(1990, 1, 1)

# --- Choosing the scope -----------------------------------------------------------------


class FiguresFilterForm(forms.Form):
    """Period (year, quarter or own range) and, for a service with several, municipality."""

    period = forms.ChoiceField(
        label=gettext_lazy("Periode"),
        choices=[
            ("year", gettext_lazy("Jaar")),
            ("quarter", gettext_lazy("Kwartaal")),
            ("custom", gettext_lazy("Eigen periode")),
        ],
        initial="year",
    )
    year = forms.TypedChoiceField(label=gettext_lazy("Jaar"), coerce=int, required=False)
    quarter = forms.TypedChoiceField(label=gettext_lazy("Kwartaal"), coerce=int, required=False)
    start = forms.DateField(
        label=gettext_lazy("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=gettext_lazy("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    municipality = ModelChoiceField(
        label=gettext_lazy("Gemeente"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alle gemeenten"),
    )

    def __init__(self, data=None, *, service, today: dt.date):
        super().__init__(data)
        self.today = today
        years = range(today.year, today.year - 10, -1)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["year"].initial = today.year
        self.fields["quarter"].choices = [(q, _("%(quarter)se kwartaal") % {"quarter": q}) for q in (1, 2, 3, 4)]
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1
        for name, form_field in self.fields.items():
            css = "form-control" if name in ("start", "end") else "form-select"
            form_field.widget.attrs.setdefault("class", css)
        municipalities = Municipality.objects.filter(service_id=service.pk).order_by("name")
        self.municipalities = list(municipalities)
        if len(self.municipalities) > 1:
            self.fields["municipality"].queryset = municipalities
        else:
            # One municipality (or none): the whole service is that municipality.
            del self.fields["municipality"]

    def clean(self):
        data = super().clean()
        kind = data.get("period")
        if kind == "year":
            data["period_obj"] = Period.year(data.get("year") or self.today.year)
        elif kind == "quarter":
            data["period_obj"] = Period.quarter(data.get("year") or self.today.year, data.get("quarter") or 1)
        elif kind == "custom":
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", _("Vul de eerste dag van de periode in."))
            if not end:
                self.add_error("end", _("Vul de laatste dag van de periode in."))
            last_day = dt.date(self.today.year + 1, 12, 31)
            outside = [
                name for name, day in (("start", start), ("end", end)) if day and not FIRST_DAY <= day <= last_day
            ]
            for name in outside:
                self.add_error(
                    name,
                    _("Kies een dag tussen %(first)s en %(last)s.")
                    % {
                        "first": formats.date_format(FIRST_DAY, "j F Y"),
                        "last": formats.date_format(last_day, "j F Y"),
                    },
                )
            if start and end and not outside:
                if end < start:
                    self.add_error("end", _("De laatste dag ligt op of na de eerste dag."))
                elif (end - start).days > MAX_PERIOD_DAYS:
                    self.add_error("end", _("Kies een periode van hoogstens vijf jaar."))
                else:
                    data["period_obj"] = Period.between(start, end)
        return data

    def scope(self, service) -> Scope:
        return Scope(
            service=service,
            period=self.cleaned_data["period_obj"],
            municipality=self.cleaned_data.get("municipality"),
        )


def _filter_form(request) -> FiguresFilterForm:
    service = request.user.service
    if service is None:
        # A coordinator always belongs to a service; without one there is nothing to show.
        raise PermissionDenied
    data = request.GET if request.GET else {"period": "year"}
    return FiguresFilterForm(data, service=service, today=timezone.localdate())


# --- Charts (inline SVG, drawn here) ----------------------------------------------------

BAR_WIDTH = 480  # viewBox units
BAR_ROW = 36  # the label (15px) on its own line, then a bar 12 high with its value after it
BAR_MAX = BAR_WIDTH - 56  # room for the value after the longest bar


def _svg_number(value: float) -> float | int:
    """One decimal at most, and no ".0": compact coordinates."""
    value = round(value, 1)
    return int(value) if value == int(value) else value


@dataclass(frozen=True)
class Bar:
    row: Row
    label_y: int
    bar_y: int
    width: float
    value_x: float
    value_y: int


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    bars: list[Bar]


def bar_chart(section, *, exclude=("total",)) -> BarChart:
    """A horizontal bar per row: label above, bar below, value after the bar."""
    rows = [row for row in section.rows if row.key not in exclude]
    top = max([row.value or 0 for row in rows] + [0])
    bars = []
    for index, row in enumerate(rows):
        y = index * BAR_ROW
        width = _svg_number(BAR_MAX * (row.value or 0) / top) if top else 0
        bars.append(Bar(row, y + 14, y + 19, width, _svg_number(width + 6), y + 30))
    desc = _("Staafdiagram. %(items)s.") % {"items": "; ".join(f"{row.label}: {row.display}" for row in rows)}
    return BarChart(f"chart-{section.key}", section.title, desc, BAR_WIDTH, max(len(rows), 1) * BAR_ROW + 4, bars)


LINE_WIDTH, LINE_HEIGHT = 640, 280
LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 44, 16, 36, 52


@dataclass(frozen=True)
class LinePoint:
    x: float
    y_received: float
    y_closed: float
    title_received: str
    title_closed: str
    label: str
    year_label: str

    @property
    def square_x(self) -> float:
        return _svg_number(self.x - 4)

    @property
    def square_y(self) -> float:
        return _svg_number(self.y_closed - 4)


@dataclass(frozen=True)
class Tick:
    y: float
    value: int

    @property
    def label_y(self) -> float:
        return _svg_number(self.y + 4)


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    right: int
    bottom: float
    points: list[LinePoint]
    ticks: list[Tick]
    received_points: str
    closed_points: str


def _nice_top(value: int) -> int:
    """A round upper end for the y axis, divisible into four whole steps."""
    if value <= 4:
        return 4
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = math.ceil(value / (magnitude * step)) * magnitude * step
        if top / 4 == int(top / 4) and top >= value:
            return int(top)
    return int(math.ceil(value / 4) * 4)


def line_chart(figures: Figures) -> LineChart:
    months = figures.months
    top = _nice_top(max([p.received for p in months] + [p.closed for p in months] + [0]))
    plot_w = LINE_WIDTH - LINE_LEFT - LINE_RIGHT
    plot_h = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    bottom = LINE_TOP + plot_h
    step = plot_w / max(len(months) - 1, 1)
    every = 1 if len(months) <= 13 else 3 if len(months) <= 36 else 6

    def y(value):
        return _svg_number(bottom - plot_h * value / top)

    points = []
    for index, point in enumerate(months):
        x = _svg_number(LINE_LEFT + (step * index if len(months) > 1 else plot_w / 2))
        labelled = index % every == 0
        points.append(
            LinePoint(
                x=x,
                y_received=y(point.received),
                y_closed=y(point.closed),
                title_received=_("%(month)s: %(count)s meldingen") % {"month": point.label, "count": point.received},
                title_closed=_("%(month)s: %(count)s afgesloten") % {"month": point.label, "count": point.closed},
                label=formats.date_format(point.month, "M") if labelled else "",
                year_label=str(point.month.year) if labelled and (index == 0 or point.month.month <= every) else "",
            )
        )
    busiest = max(months, key=lambda p: p.received) if months else None
    desc = _(
        "Lijndiagram van %(first)s tot en met %(last)s: %(received)s meldingen en %(closed)s afgesloten zaken. "
        "De meeste meldingen in één maand: %(most)s (%(month)s). De tabel eronder geeft alle getallen."
    ) % {
        "first": months[0].label if months else "",
        "last": months[-1].label if months else "",
        "received": sum(p.received for p in months),
        "closed": sum(p.closed for p in months),
        "most": busiest.received if busiest else 0,
        "month": busiest.label if busiest else "",
    }
    return LineChart(
        id="chart-monthly",
        title=_("Meldingen en afgesloten zaken per maand"),
        desc=desc,
        width=LINE_WIDTH,
        height=LINE_HEIGHT,
        left=LINE_LEFT,
        right=LINE_WIDTH - LINE_RIGHT,
        bottom=bottom,
        points=points,
        ticks=[Tick(y(top * i / 4), int(top * i / 4)) for i in range(5)],
        received_points=" ".join(f"{p.x},{p.y_received}" for p in points),
        closed_points=" ".join(f"{p.x},{p.y_closed}" for p in points),
    )


CHARTED = [
    "channel",
    "referrer",
    "conflict_type",
    "neighbourhood",
    "tenure",
    "unsuitability_reason",
    "outcome_category",
    "open",
    "mediator_load",
    "conversation",
    "collaboration",
]


# --- Views ------------------------------------------------------------------------------


def figures_body(figures: Figures) -> str:
    """The page's figures (key figures, charts, tables, definitions), drawn from the figures
    alone: no request, no form, so the result is kept with them (reports/snapshots.py)."""
    lead = figures["lead_time"].rows
    context = {
        "figures": figures,
        "charts": {key: bar_chart(figures[key]) for key in CHARTED},
        "monthly_chart": line_chart(figures),
        "months": list(zip(figures["monthly_received"].rows, figures["monthly_closed"].rows, strict=True)),
        "key_rows": [
            figures["received"].row("total"),
            figures["suitability"].row("suitable"),
            figures["suitability"].row("unsuitable"),
            figures["closed"].row("total"),
            figures["closed"].row("success_rate"),
            figures["open"].row("total"),
        ],
        "lead_rows": [(lt.label, lead[i * 3 : i * 3 + 3]) for i, lt in enumerate(figures.lead_times)],
        "definitions": DEFINITIONS,
    }
    return render_to_string("figures/_body.html", context)


@permission_required(PERM_COORDINATE, raise_exception=True)
def overview(request):
    form = _filter_form(request)
    context = {"form": form, "service": request.user.service}
    if form.is_valid():
        scope = form.scope(request.user.service)
        today = timezone.localdate()
        body = snapshots.cached("page", scope, lambda: figures_body(figures_for(scope, today=today)), today=today)
        context.update(scope=scope, body=mark_safe(body), query=request.GET.urlencode())  # noqa: S308 (our template's output)
    return render(request, "figures/overview.html", context)


@permission_required(PERM_COORDINATE, raise_exception=True)
def export(request, fmt: str):
    """All figures of the page as CSV or Excel: section, category, value."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = _filter_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Kies een geldige periode."))
    figures = snapshots.figures_cached(form.scope(request.user.service))
    titles = {key: section.title for key, section in figures.sections.items()}
    header = [_("Onderdeel"), _("Categorie"), _("Waarde")]
    rows = [[titles[row.section], row.label, row.value] for row in figures.rows()]
    preamble = _preamble(figures.scope)
    name = f"cijfers-{_slug(figures.scope)}"
    audit.export_made(request, kind=f"figures_{fmt}", count=len(rows))
    if fmt == "csv":
        return csv_response(name, [*preamble, header, *rows])
    definitions = [[str(term), str(text)] for term, text in DEFINITIONS]
    return _xlsx_response(
        name,
        [
            (_("Cijfers"), [*preamble, header, *rows], len(preamble) + 1),
            (_("Toelichting"), [[_("Begrip"), _("Zo wordt geteld")], *definitions], 1),
        ],
    )


@permission_required(PERM_COORDINATE, raise_exception=True)
def benchmark(request, fmt: str):
    """Anonymous counts per national code, for the national benchmark."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = _filter_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Kies een geldige periode."))
    scope = form.scope(request.user.service)
    header = ["periode_van", "periode_tot_en_met", "dimensie", "code", "omschrijving", "aantal"]
    start, end = scope.period.start.isoformat(), scope.period.end.isoformat()
    rows = [[start, end, row.dimension, row.code, row.label, row.count] for row in benchmark_for(scope)]
    name = f"benchmark-{_slug(scope)}"
    audit.export_made(request, kind=f"benchmark_{fmt}", count=len(rows))
    if fmt == "csv":
        return csv_response(name, [header, *rows])
    return _xlsx_response(name, [(_("Benchmark"), [header, *rows], 1)])


# --- Writing files ----------------------------------------------------------------------

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_response(name: str, sheets) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, header_row in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = _ILLEGAL_XML.sub("", str(value))
                    # Always text, never a formula, whatever the first character.
                    cell.data_type = "s"
                else:
                    cell.value = value
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for column, width in zip("ABCDEF", (34, 60, 12, 14, 40, 10), strict=False):
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _preamble(scope: Scope) -> list[list]:
    return [
        [_("Organisatie"), str(scope.service), ""],
        [_("Periode"), str(scope.period.label), f"{scope.period.start.isoformat()} t/m {scope.period.end.isoformat()}"],
        [_("Gemeente"), str(scope.municipality) if scope.municipality else _("Alle gemeenten"), ""],
        [],
    ]


def _slug(scope: Scope) -> str:
    part = f"{scope.period.start.isoformat()}-{scope.period.end.isoformat()}"
    if scope.municipality is not None:
        part += f"-gemeente-{scope.municipality.pk}"
    return part
