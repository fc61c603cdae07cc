"""The checks on a reported figure, shared by the entry grid and the Excel upload.

Pure: plain values in, errors (per field) and warnings out. An error blocks the save; a
warning (a value that moves more than ``settings.ENTRY_MOVE_WARNING`` from last year, like
DHIS2's min-max checks) passes only with a note that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from ipops.numbers import plain_number

RATIO_WORDS = ("每万", "每百", "占比", "比例", "比重", "率")


def is_ratio(name: str, unit: str) -> bool:
    """A ratio indicator (每万人, 占比, a rate in %) may be reported as numerator / denominator."""
    return unit == "%" or any(word in name for word in RATIO_WORDS)


def ratio_scale(name: str, unit: str) -> Decimal:
    """What numerator ÷ denominator is multiplied by: 100 for %, 10000 for 每万人, 100 for 每百户."""
    if unit == "%":
        return Decimal(100)
    if "每万" in name:
        return Decimal(10000)
    if "每百" in name:
        return Decimal(100)
    return Decimal(1)


@dataclass
class FigureCheck:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    value: Decimal | None = None  # the value to store (computed from a ratio when left empty)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_figure(
    *,
    kind: str,
    name: str,
    unit: str,
    value: Decimal | None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    last_value: Decimal | None = None,
    note: str = "",
    move_share: Decimal = Decimal("0.5"),
) -> FigureCheck:
    """Check one figure of an indicator of ``kind`` (as judged: a milestone has no value)."""
    check = FigureCheck(value=value)
    if kind == "milestone":
        return check
    for field_name, number in (("value", value), ("numerator", numerator),
                               ("denominator", denominator)):
        if number is not None and number < 0:
            if field_name == "value" and kind == "cumulative":
                check.error(field_name, _("累计指标填写本年新增量，不能小于 0。"))
            elif field_name == "value" and kind == "growth":
                check.error(field_name, _("请填写基础量（如金额、件数），不能为负数。"))
            else:
                check.error(field_name, _("不能为负数。"))
    if check.errors:
        return check
    if kind != "growth" and unit == "%" and value is not None and value > 100:
        check.error("value", _("百分比不能超过 100。"))
    if numerator is not None or denominator is not None:
        if numerator is None or denominator is None:
            check.error("denominator" if numerator is not None else "numerator",
                        _("分子和分母须同时填写。"))
        elif denominator == 0:
            check.error("denominator", _("分母不能为 0。"))
        else:
            computed = numerator / denominator * ratio_scale(name, unit)
            if value is None:
                check.value = computed.quantize(Decimal("0.0001"))
            elif abs(computed - value) > max(Decimal("0.01"), abs(value) * Decimal("0.005")):
                check.error("value", _("与分子、分母不符：分子 ÷ 分母 应为 %(computed)s。") % {
                    "computed": plain_number(computed, 2)})
    if check.errors or check.value is None or last_value is None or kind == "growth":
        return check
    base = abs(last_value)
    moved = abs(check.value - last_value) / base if base else (1 if check.value else 0)
    if moved > move_share and not note.strip():
        check.warnings.append(_(
            "与上年已审核值 %(last)s 相比变动 %(moved)s%%，超过 %(share)s%%：请在说明中写明原因后再保存。"
        ) % {"last": plain_number(last_value, 2), "moved": plain_number(Decimal(moved) * 100, 2),
             "share": plain_number(move_share * 100, 2)})
    return check
