"""Numbers as people write them, and status badges with their word, icon and colour."""

from decimal import Decimal

from django import template

from indicators.progress import STATUS_STYLE, Status
from ipops.numbers import plain_number

register = template.Library()


@register.filter
def num(value, places=2):
    """25000, 0.7, 21022.33: no trailing zeros, at most ``places`` decimals; "—" for none."""
    if value is None or value == "":
        return "—"
    if not isinstance(value, (Decimal, float)):
        return value
    return plain_number(value, int(places))


@register.inclusion_tag("partials/status.html")
def status_badge(status, percent=None):
    """A status as a badge: colour never alone, always with its word and icon."""
    status = Status(status) if status else Status.NO_DATA
    style = STATUS_STYLE[status]
    return {"status": status.value, "label": style["label"], "colour": style["colour"],
            "icon": style["icon"], "percent": percent}


@register.inclusion_tag("partials/legend.html")
def status_legend(legend_rows):
    return {"legend": legend_rows}
