"""Numbers as people write them, and status badges with their word, icon and colour."""

from decimal import Decimal
from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from indicators.progress import Status
from ipops.html import format_html
from ipops.numbers import one_place, plain_number

register = template.Library()


@register.filter
def num(value, places=2):
    """25000, 0.7, 21022.33: no trailing zeros, at most ``places`` decimals; "—" for none."""
    if value is None or value == "":
        return "—"
    if not isinstance(value, (Decimal, float)):
        return value
    return plain_number(value, int(places))


@register.simple_tag
def status_badge(status, percent=None) -> str:
    """A status as a badge: colour never alone, always with its word and icon.

    Written here rather than by a template: long tables and the overview show hundreds."""
    status = Status(status) if status else Status.NO_DATA
    share = ""
    if percent is not None:
        share = format_html(' <span class="status-pct">{}%</span>', one_place(percent))
    return mark_safe(f"{_badge_start(status, get_language())}{share}</span>")


@lru_cache
def _badge_start(status: Status, language: str) -> str:
    """A badge up to its percent: the same for every badge of a status (and language)."""
    return format_html('<span class="status status-{}" style="--status: {}"><span '
                       'aria-hidden="true">{}</span> {}', status.value, status.colour, status.icon,
                       status.label)


@register.inclusion_tag("partials/legend.html")
def status_legend(legend_rows):
    return {"legend": legend_rows}
