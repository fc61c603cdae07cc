"""Numbers as people write them: 25000, 0.7, 21022.33 (never "6.0000"), and stored values as
history and previews show them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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


def shown_value(value) -> str:
    """A stored value in a history or a preview: （空）, 是 / 否, a plain number, or the text."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (Decimal, float)):
        return plain_number(value)
    return str(value)
