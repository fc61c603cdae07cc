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


def percent_by_indicator(rows) -> dict:
    """Percent complete of each indicator (bars coloured by status) against 序时进度 (markers).

    The axis names each indicator by its number (the name is in the hover text): forty names
    side by side could not be read."""
    rows = [r for r in rows if r.progress.percent is not None or r.progress.expected_percent is not None]
    labels, seen = [], {}
    for r in rows:  # a category axis would merge two plans' indicators of the same number
        seen[r.indicator.number] = seen.get(r.indicator.number, 0) + 1
        repeat = seen[r.indicator.number]
        labels.append(r.indicator.number if repeat == 1 else f"{r.indicator.number}（{repeat}）")
    names = [[r.indicator.name, str(r.progress.status.label)] for r in rows]
    bars = {
        "type": "bar", "x": labels, "y": [_float(r.progress.percent) for r in rows],
        "name": _("完成率（柱色为状态）"),
        "marker": {"color": [r.progress.status.colour for r in rows]},
        "customdata": names,
        "hovertemplate": "%{x}. %{customdata[0]}<br>%{y:.1f}% · %{customdata[1]}<extra></extra>",
    }
    expected = {
        "type": "scatter", "x": labels, "y": [_float(r.progress.expected_percent) for r in rows],
        "mode": "markers", "name": _("序时进度"), "customdata": names,
        "marker": {"symbol": "line-ew-open", "size": 18, "color": "#1f2933", "line": {"width": 3}},
        "hovertemplate": "%{x}. %{customdata[0]}<br>"
        + _("序时进度 %(value)s") % {"value": "%{y:.1f}%"} + "<extra></extra>",
    }
    return figure([bars, expected], layout(
        yaxis={"title": title("%"), "range": [0, 105]},
        xaxis={"title": title(_("指标序号")), "type": "category", "tickangle": 0,
               "automargin": True},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        margin={"l": 50, "r": 10, "t": 40, "b": 50}, height=400))


def status_by_category(rows) -> dict:
    """How many indicators of each category are in each status (stacked bars)."""
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
