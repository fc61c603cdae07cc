"""Plotly figures for the dashboards: selector rows in, figure data (plain JSON) out.

The pages embed a figure with ``{% include "partials/chart.html" %}`` (Django's json_script)
and static/js/charts.js draws it with the vendored plotly.js: no CDN, no inline script.
Every colour comes from the status style of indicators/progress.py.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
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


def figure_data(figure: go.Figure) -> dict:
    """A figure as plain JSON data for ``json_script`` (numbers, strings, lists only)."""
    return json.loads(figure.to_json())


def status_colour(status: Status | str) -> str:
    return STATUS_STYLE[Status(status)]["colour"]


def status_names() -> list[tuple[Status, str]]:
    return [(s, str(STATUS_STYLE[s]["label"])) for s in STATUS_ORDER]


TASK_COLOURS = {"completed": "#1a5fb4", "in_progress": "#1e7e34", "not_started": "#b7791f",
                "delayed": "#c62828", "none": "#9aa5b1"}


def percent_by_indicator(rows) -> dict:
    """Percent complete of each indicator (bars coloured by status) against 序时进度 (markers)."""
    rows = [r for r in rows if r.progress.percent is not None or r.progress.expected_percent is not None]
    labels = [f"{r.indicator.number}. {r.indicator.name[:14]}" for r in rows]
    figure = go.Figure()
    figure.add_bar(
        x=labels, y=[_float(r.progress.percent) for r in rows], name=_("完成率"),
        marker_color=[status_colour(r.progress.status) for r in rows],
        customdata=[str(r.progress.status.label) for r in rows],
        hovertemplate="%{x}<br>%{y:.1f}% · %{customdata}<extra></extra>",
    )
    figure.add_scatter(
        x=labels, y=[_float(r.progress.expected_percent) for r in rows], mode="markers",
        name=_("序时进度"), marker={"symbol": "line-ew-open", "size": 18, "color": "#1f2933",
                                       "line": {"width": 3}},
        hovertemplate="%{x}<br>" + _("序时进度 %(value)s") % {"value": "%{y:.1f}%"}
        + "<extra></extra>",
    )
    figure.update_layout(**layout(yaxis={"title": "%", "range": [0, 105]},
                                  xaxis={"tickangle": -45, "automargin": True},
                                  margin={"l": 50, "r": 10, "t": 20, "b": 120}, height=420))
    return figure_data(figure)


def status_by_category(rows) -> dict:
    """How many indicators of each category are in each status (stacked bars)."""
    categories = []
    counts = {}
    for row in rows:
        category = row.indicator.category or "—"
        if category not in categories:
            categories.append(category)
        counts[(category, row.progress.status)] = counts.get((category, row.progress.status), 0) + 1
    figure = go.Figure()
    for status, name in status_names():
        figure.add_bar(x=categories, y=[counts.get((c, status), 0) for c in categories],
                       name=name, marker_color=status_colour(status))
    figure.update_layout(**layout(barmode="stack", yaxis={"title": _("指标数")}, height=320))
    return figure_data(figure)


def tasks_by_unit(rows, labels: dict) -> dict:
    """The lead units' task rows by their latest approved status (stacked horizontal bars)."""
    units, counts = [], {}
    for row in rows:
        unit = row.lead_unit.name if row.lead_unit else "—"
        if unit not in units:
            units.append(unit)
        key = (unit, row.dash_status or "none")
        counts[key] = counts.get(key, 0) + 1
    units.sort(key=lambda u: -sum(v for (name, _s), v in counts.items() if name == u))
    figure = go.Figure()
    for status, name in labels.items():
        figure.add_bar(y=units, x=[counts.get((u, status), 0) for u in units], name=str(name),
                       orientation="h", marker_color=TASK_COLOURS[status])
    figure.update_layout(**layout(barmode="stack", xaxis={"title": _("任务数")},
                                  yaxis={"autorange": "reversed", "automargin": True},
                                  height=max(260, 26 * len(units) + 120)))
    return figure_data(figure)


def heat_map(data: dict) -> dict:
    """District × category: the share of indicators achieved or on track (with data)."""
    text = [[("—" if c is None else f"{v[0]}/{v[1]}") for c, v in zip(row, counts)]
            for row, counts in zip(data["cells"], data["counts"])]
    figure = go.Figure(go.Heatmap(
        z=data["cells"], x=data["categories"], y=data["districts"], text=text,
        texttemplate="%{text}", zmin=0, zmax=100, hoverongaps=False,
        colorscale=[[0, STATUS_STYLE[Status.BEHIND]["colour"]],
                    [0.85, STATUS_STYLE[Status.AT_RISK]["colour"]],
                    [1, STATUS_STYLE[Status.ON_TRACK]["colour"]]],
        colorbar={"title": {"text": _("正常及完成占比 %")}},
        hovertemplate="%{y} · %{x}<br>"
        + _("%(share)s（%(counts)s）") % {"share": "%{z}%", "counts": "%{text}"}
        + "<extra></extra>",
    ))
    figure.update_layout(**layout(height=max(240, 40 * len(data["districts"]) + 120),
                                  yaxis={"autorange": "reversed", "automargin": True}))
    return figure_data(figure)


def _float(value):
    return None if value is None else float(value)
