"""Numbers as people write them, and status badges with their word, icon and colour."""

from decimal import Decimal

from django import template

from indicators.progress import STATUS_STYLE, Status

register = template.Library()


@register.filter
def num(value, places=2):
    """25000, 0.7, 21022.33: no trailing zeros, at most ``places`` decimals; "—" for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = Decimal(str(value))
    if not isinstance(value, Decimal):
        return value
    quantum = Decimal(1).scaleb(-int(places))
    text = format(value.quantize(quantum).normalize(), "f")
    return "0" if text in ("-0", "") else text


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
