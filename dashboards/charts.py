"""Plotly figures for the dashboards: selector rows in, figure data (plain JSON) out.

The pages embed a figure with ``{% include "partials/chart.html" %}`` (Django's json_script)
and static/js/charts.js draws it with the vendored plotly.js: no CDN, no inline script.
Every colour comes from the status style of indicators/progress.py.

The figures are written as the plain dicts that plotly.py would produce (its validated JSON):
building them through ``plotly.graph_objects`` cost a third of the district dashboard.
tests/dashboards/test_charts.py checks that plotly.py accepts each one and leaves it unchanged.
"""

from __future__ import annotations

import json
from functools import cache

from django.utils.translation import gettext as _

from indicators.progress import STATUS_ORDER, STATUS_STYLE, Status

FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def layout(**extra) -> dict:
    """The house layout: Chinese-capable font, white background, tight margins."""
    base = {
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
        "legend": {"orientation": "h", "y": -0.2},
        "hoverlabel": {"font": {"family": FONT}},
    }
    base.update(extra)
    return base


@cache
def plotly_template() -> dict:
    """plotly.py's default template (grid, axes, colourway), which every figure it builds
    carries in its layout: read once per process."""
    import plotly.graph_objects as go

    return json.loads(go.Figure().to_json())["layout"]["template"]


def figure(data: list[dict], figure_layout: dict) -> dict:
    """A figure as plain JSON data for ``json_script``: traces and layout (with the template)."""
    return {"data": data, "layout": {**figure_layout, "template": plotly_template()}}


def title(text: str) -> dict:
    """An axis or colour bar title (plotly.js takes no bare string)."""
    return {"text": text}


def status_colour(status: Status | str) -> str:
    return STATUS_STYLE[Status(status)]["colour"]


def status_names() -> list[tuple[Status, str]]:
    return [(s, str(STATUS_STYLE[s]["label"])) for s in STATUS_ORDER]


TASK_COLOURS = {"completed": "#1a5fb4", "in_progress": "#1e7e34", "not_started": "#b7791f",
                "delayed": "#c62828", "none": "#9aa5b1"}


PERCENT_ROW = 22  # px per indicator of the percent chart: a line of 13 px text, with room
SHORT_NAME = 12  # characters of an indicator's name on that chart's axis


def percent_by_indicator(rows) -> dict | None:
    """Percent complete of each indicator (bars coloured by status) against 序时进度 (ticks).

    One indicator a row, named by its number and the start of its name (the whole name is in
    the hover text), the chart as tall as its rows: a district has forty indicators or more,
    whose numbers side by side crowded each other. None when no indicator has a percent or a
    序时进度 (before the plans start)."""
    rows = [r for r in rows if r.progress.percent is not None or r.progress.expected_percent is not None]
    if not rows:
        return None
    labels, seen = [], {}
    for r in rows:  # a category axis would merge two plans' indicators of the same label
        name = r.indicator.name
        if len(name) > SHORT_NAME:
            name = name[:SHORT_NAME - 1] + "…"
        label = f"{r.indicator.number} {name}"
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label}（{seen[label]}）")
    names = [[r.indicator.number, r.indicator.name, str(r.progress.status.label)] for r in rows]
    bars = {
        "type": "bar", "orientation": "h", "y": labels,
        "x": [_float(r.progress.percent) for r in rows],
        "name": _("完成率（柱色为状态）"),
        "marker": {"color": [r.progress.status.colour for r in rows]},
        "customdata": names,
        "hovertemplate": "%{customdata[0]}. %{customdata[1]}<br>%{x:.1f}% · %{customdata[2]}"
        "<extra></extra>",
    }
    expected = {
        "type": "scatter", "y": labels, "x": [_float(r.progress.expected_percent) for r in rows],
        "mode": "markers", "name": _("序时进度"), "customdata": names,
        "marker": {"symbol": "line-ns-open", "size": 16, "color": "#1f2933", "line": {"width": 3}},
        "hovertemplate": "%{customdata[0]}. %{customdata[1]}<br>"
        + _("序时进度 %(value)s") % {"value": "%{x:.1f}%"} + "<extra></extra>",
    }
    margin = {"l": 10, "r": 20, "t": 70, "b": 30}
    return figure([bars, expected], layout(
        # the percent axis above the rows, where the reader starts; the legend above it
        xaxis={"range": [0, 105], "ticksuffix": "%", "side": "top", "dtick": 20,
               "automargin": True, "gridcolor": "#e5e7eb"},  # grid lines down every row
        yaxis={"type": "category", "autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "yref": "container", "y": 1, "yanchor": "top", "x": 0},
        bargap=0.3, margin=margin,
        height=margin["t"] + margin["b"] + PERCENT_ROW * max(len(rows), 6)))


def status_by_category(rows) -> dict | None:
    """How many indicators of each category are in each status (stacked bars). An indicator in
    a year before its plan starts is not judged, so not counted (not even as 无数据); None when
    no indicator is judged (the page says the plan has not started)."""
    rows = [r for r in rows if not r.before_plan]
    if not rows:
        return None
    categories = []
    counts = {}
    for row in rows:
        category = row.indicator.category or "—"
        if category not in categories:
            categories.append(category)
        counts[(category, row.progress.status)] = counts.get((category, row.progress.status), 0) + 1
    data = [{"type": "bar", "x": categories, "y": [counts.get((c, status), 0) for c in categories],
             "name": name, "marker": {"color": status_colour(status)}}
            for status, name in status_names()]
    return figure(data, layout(barmode="stack", yaxis={"title": title(_("指标数"))}, height=320))


def tasks_by_unit(rows, labels: dict) -> dict:
    """The lead units' task rows by their latest approved status (stacked horizontal bars).

    ``rows``: (lead unit's name, status) of each task row (dashboards.selectors.task_statuses)."""
    units, counts, totals = [], {}, {}
    for unit, status in rows:
        unit = unit or "—"
        if unit not in totals:
            units.append(unit)
        key = (unit, status or "none")
        counts[key] = counts.get(key, 0) + 1
        totals[unit] = totals.get(unit, 0) + 1
    units.sort(key=lambda u: -totals[u])
    data = [{"type": "bar", "y": units, "x": [counts.get((u, status), 0) for u in units],
             "name": str(name), "orientation": "h", "marker": {"color": TASK_COLOURS[status]}}
            for status, name in labels.items()]
    return figure(data, layout(barmode="stack", xaxis={"title": title(_("任务数"))},
                               yaxis={"autorange": "reversed", "automargin": True},
                               height=max(260, 26 * len(units) + 120)))


def heat_map(data: dict) -> dict:
    """District × category: the share of indicators achieved or on track (with data)."""
    text = [[("—" if c is None else f"{v[0]}/{v[1]}") for c, v in zip(row, counts)]
            for row, counts in zip(data["cells"], data["counts"])]
    trace = {
        "type": "heatmap", "z": data["cells"], "x": data["categories"], "y": data["districts"],
        "text": text, "texttemplate": "%{text}", "zmin": 0, "zmax": 100, "hoverongaps": False,
        "colorscale": [[0, STATUS_STYLE[Status.BEHIND]["colour"]],
                       [0.85, STATUS_STYLE[Status.AT_RISK]["colour"]],
                       [1, STATUS_STYLE[Status.ON_TRACK]["colour"]]],
        "colorbar": {"title": title(_("正常及完成占比 %"))},
        "hovertemplate": "%{y} · %{x}<br>"
        + _("%(share)s（%(counts)s）") % {"share": "%{z}%", "counts": "%{text}"}
        + "<extra></extra>",
    }
    return figure([trace], layout(height=max(240, 40 * len(data["districts"]) + 120),
                                  yaxis={"autorange": "reversed", "automargin": True}))


def _float(value):
    return None if value is None else float(value)
