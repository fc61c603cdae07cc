"""Plotly figures for the dashboards: selector rows in, figure data (plain JSON) out.

The pages embed a figure with ``{% include "partials/chart.html" %}`` (Django's json_script)
and static/js/charts.js draws it with the vendored plotly.js: no CDN, no inline script.
Every colour comes from the status style of indicators/progress.py.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go

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
