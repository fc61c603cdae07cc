"""Numbers as people write them: 25000, 0.7, 21022.33 (never "6.0000"), and stored values as
history and previews show them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _


def plain_number(value, places: int | None = None) -> str:
    """A decimal without trailing zeros, rounded to ``places`` decimals if given; "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    if not isinstance(value, Decimal):
        return str(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def one_place(value: Decimal) -> str:
    """A percentage as Django's ``floatformat:"-1"`` writes it (34, 34.6, and 34.0 for 34.04),
    without its localisation machinery: the long tables write hundreds of badges and bars."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return floatformat(value, "-1")
    if value == value.to_integral_value():
        return str(int(value))
    rounded = value.quantize(Decimal("0.1"), ROUND_HALF_UP)
    return format(abs(rounded) if rounded == 0 else rounded, "f")


def shown_value(value) -> str:
    """A stored value in a history or a preview: （空）, 是 / 否, a plain number, or the text."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (Decimal, float)):
        return plain_number(value)
    return str(value)
