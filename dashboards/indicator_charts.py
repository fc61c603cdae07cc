"""Charts of the indicator page and the district comparison: selector rows in, figure data out.

Colours come from the engine's status style (``Status.colour``); every coloured mark also
carries the status word, so colour is never alone. Figures are plain dicts, as in
dashboards/charts.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from ipops.numbers import plain_number
from ipops.text import bracketed
from dashboards.charts import FONT, figure, layout, title
from indicators.progress import MILESTONE


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _plain(value: Decimal | None, places: int = 2) -> str:
    return "—" if value is None else plain_number(value, places)


def indicator_chart(page) -> dict | None:
    """Actual values over the years against the expected path (序时进度) and the targets.

    None for a milestone, which has no numbers to draw (its table row per year says done or not).
    """
    indicator, rows = page.indicator, page.rows
    if page.progress.judged_as == MILESTONE:
        return None
    unit = "%" if page.progress.judged_as == "growth" else indicator.unit
    data = []

    growth = page.progress.judged_as == "growth"
    # A growth rate's start point is its quantity's baseline, not a rate: it is not drawn.
    start = None if growth else next((r.progress.start for r in rows if r.progress.start), None)
    # The path: from its start point through each year's expected value. A year before the plan
    # has none (indicators.selectors.unjudged_before_plan): the path starts at its start point.
    path = {start[0]: _float(start[1])} if start else {}
    for row in rows:
        if row.progress.expected is not None and (not start or row.year > start[0]):
            path[row.year] = _float(row.progress.expected)
    path_x = sorted(path)
    path_y = [path[x] for x in path_x]
    if path_x:
        data.append({
            "type": "scatter", "x": path_x, "y": path_y, "mode": "lines",
            "name": _("序时进度（应达值）"), "line": {"color": "#6b7785", "dash": "dash", "width": 2},
            "hovertemplate": _("%{x} 年应达 %{y}") + "<extra></extra>",
        })

    numeric = [t for t in page.targets if t.comparator not in ("",) and
               (t.value is not None or t.low is not None)]
    if numeric:
        data.append({
            "type": "scatter", "x": [t.year for t in numeric],
            "y": [_float(t.low if t.comparator == "between" else t.value) for t in numeric],
            "mode": "markers+text", "name": _("目标值"), "text": [t.display for t in numeric],
            "textposition": "middle right",
            "marker": {"symbol": "diamond", "size": 13, "color": "#1f2933"},
            "hovertemplate": _("%{x} 年目标 %{text}") + "<extra></extra>",
        })
    originals = [t for t in page.targets if t.original_value is not None]
    if originals:
        data.append({
            "type": "scatter", "x": [t.year for t in originals],
            "y": [_float(t.original_value) for t in originals], "mode": "markers",
            "name": _("原目标值（调整前）"),
            "marker": {"symbol": "diamond-open", "size": 13, "color": "#6b7785"},
            "hovertemplate": _("%{x} 年原目标 %{y}") + "<extra></extra>",
        })
    if start and indicator.baseline_value is not None:
        data.append({
            "type": "scatter", "x": [start[0]], "y": [_float(start[1])], "mode": "markers",
            "name": _("基础值"), "marker": {"symbol": "square", "size": 10, "color": "#8aa4c8"},
            "hovertemplate": _("%{x} 年基础值 %{y}") + "<extra></extra>",
        })

    actual = [r for r in rows if r.progress.actual is not None]
    if actual:
        labels = [_status_word(r.progress.status) for r in actual]
        colours = [r.progress.status.colour for r in actual]
        # The status words are written under the years on the axis (``_year_ticks``), not by
        # the points: by a point, the final year's word sat on the target's marker.
        data.append({
            "type": "scatter", "x": [r.year for r in actual],
            "y": [_float(r.progress.actual) for r in actual], "mode": "lines+markers",
            "name": _("实际值（已审核）"), "text": labels,
            "customdata": [[_plain(r.progress.actual), _plain(r.progress.percent, 1)]
                           for r in actual],
            "line": {"color": "#1f2933", "width": 2},
            "marker": {"size": 12, "color": colours, "line": {"color": "#ffffff", "width": 1}},
            "hovertemplate": _("%{x} 年实际 %{customdata[0]}，完成 %{customdata[1]}%，%{text}")
            + "<extra></extra>",
        })
    years = [r.year for r in rows]
    if start:
        years.append(start[0])
    first, last = min(years), max(years)
    ticks = _year_ticks(range(first, last + 1), actual)
    return figure(data, layout(
        height=380, margin={"l": 60, "r": 30, "t": 36, "b": 20},
        xaxis={"title": title(_("年份")), "range": [first - 0.5, last + 0.8],
               "tickmode": "array", "tickvals": list(ticks), "ticktext": list(ticks.values()),
               "automargin": True},
        yaxis={"rangemode": "tozero", "automargin": True},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        annotations=[{"text": _("单位：%(unit)s") % {"unit": unit} if unit else "", "x": 0, "y": 1.08,
                      "xref": "paper", "yref": "paper", "showarrow": False, "xanchor": "left",
                      "font": {"size": 12, "color": "#6b7785"}}],
    ))


def _status_word(status) -> str:
    return f"{status.icon} {status.label}"


def _year_ticks(years, actual) -> dict[int, str]:
    """Each year's tick label: the year, and under it the status of its actual in the status's
    colour (the word beside the colour of its point, where no marker is drawn)."""
    status_of = {r.year: r.progress.status for r in actual}
    ticks = {}
    for year in years:
        status = status_of.get(year)
        ticks[year] = str(year) if status is None else (
            f'{year}<br><span style="color:{status.colour}">{_status_word(status)}</span>')
    return ticks


def compare_chart(rows) -> dict | None:
    """Percent complete per district's indicator, one bar each, coloured and labelled by status."""
    if not rows:
        return None
    labels = [f"{r.indicator.plan.district.name} · {r.indicator.number}{bracketed(r.as_of)}"
              for r in rows]
    percent = [_float(r.progress.percent) or 0 for r in rows]
    text = [f"{r.progress.status.icon} {r.progress.status.label}"
            + (f" {_plain(r.progress.percent, 1)}%" if r.progress.percent is not None else "")
            for r in rows]
    bars = {
        "type": "bar", "x": percent, "y": labels, "orientation": "h", "text": text,
        "textposition": "outside", "cliponaxis": False,
        "customdata": [[r.indicator.name] for r in rows],
        "marker": {"color": [r.progress.status.colour for r in rows]},
        "hovertemplate": "%{y}<br>%{customdata[0]}<br>" + _("完成") + " %{x}%<extra></extra>",
    }
    return figure([bars], layout(
        height=max(200, 80 + 44 * len(rows)), showlegend=False, bargap=0.35,
        margin={"l": 20, "r": 40, "t": 20, "b": 50},
        xaxis={"title": title(_("完成百分比（%）")), "range": [0, 130],
               "tickvals": [0, 20, 40, 60, 80, 100]},
        yaxis={"autorange": "reversed", "automargin": True},
        font={"family": FONT, "size": 13},
    ))
