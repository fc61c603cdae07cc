"""What the report workbooks share: number formats per unit, status fills, title rows, the
legend, merged runs and row heights. Every cell is written through reporting/xlsx.py.

Numbers are stored as numbers, as the portal stores them: a percentage as the number the plan
prints (0.7 for 0.7%), shown with a percent sign by its number format; a target's comparator
("≥") and, for an adjusted target, its original value are part of the number format too, so
the cell still holds the target as a number.
"""

from __future__ import annotations

import datetime
import functools
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from indicators.models import Target
from indicators.progress import STATUS_STYLE, Status, TargetSpec, legend
from ipops.text import bracketed
from reporting import xlsx
from tasks.choices import ProgressStatus

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
BODY = xlsx.BODY
TEXT = xlsx.TEXT
CENTERED = xlsx.BODY.replace(alignment=CENTER)
NUMBER = xlsx.BODY.replace(alignment=RIGHT)
SUBTITLE = xlsx.CellStyle(font=xlsx.font(size=9), alignment=Alignment(vertical="center",
                                                                      wrap_text=True))
NOTE = xlsx.CellStyle(font=xlsx.font(size=9), alignment=Alignment(vertical="top",
                                                                  wrap_text=True))
SECTION = xlsx.CellStyle(font=xlsx.font(bold=True), alignment=Alignment(vertical="center"))
YEAR_FORMAT = "0"
PERCENT_FORMAT = '0.0"%"'
DATE_FORMAT = "yyyy-mm-dd"

MONEY_UNITS = ("亿元", "万元", "元")
COMPARATOR_PREFIX = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": ""}

# Task statuses take the colours of the indicator statuses that mean the same (tasks.css too):
# completed blue, in progress green, delayed red, not started and not reported grey.
TASK_STATUS_FILL = {
    ProgressStatus.COMPLETED: STATUS_STYLE[Status.ACHIEVED]["fill"],
    ProgressStatus.IN_PROGRESS: STATUS_STYLE[Status.ON_TRACK]["fill"],
    ProgressStatus.DELAYED: STATUS_STYLE[Status.BEHIND]["fill"],
    ProgressStatus.NOT_STARTED: STATUS_STYLE[Status.NO_DATA]["fill"],
    "none": STATUS_STYLE[Status.NO_DATA]["fill"],
}


def number_format(unit: str, decimals: int = 0) -> str:
    """The number format of a row's values by its unit: % with one or two decimals, money
    (亿元) with two, counts and the rest with the decimals the row's numbers need."""
    unit = (unit or "").strip()
    if "%" in unit:
        return '0.%s"%%"' % ("0" * max(1, decimals))
    if unit in MONEY_UNITS:
        return "#,##0.00"
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def target_format(base: str, comparator: str, original: str = "") -> str:
    """A target's number format: the comparator before the number, the original value of an
    adjusted target after it (e.g. ≥30,000（原≥25000）)."""
    prefix = COMPARATOR_PREFIX.get(comparator, "")
    fmt = (f'"{prefix}"' if prefix else "") + base
    if original:
        fmt += '"%s"' % (_("（原%(value)s）") % {"value": original}).replace('"', "")
    return fmt


def original_text(comparator: str, original: Decimal) -> str:
    """An adjusted target's original value as the number format shows it: ≥25000."""
    return COMPARATOR_PREFIX.get(comparator, "") + format(original.normalize(), "f")


def adjusted_target_width(value: Decimal, comparator: str, original: Decimal) -> float:
    """The column width that shows an adjusted target whole, e.g. ≥30,000（原≥25000）: a number
    format that does not fit shows ###, and the words are longer in English. A Chinese
    character counts two; room is left for the decimals the row's format may add."""
    text = (COMPARATOR_PREFIX.get(comparator, "") + f"{rounded(value).normalize():,f}"
            + _("（原%(value)s）") % {"value": original_text(comparator, original)})
    return 4 + sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def word_fit(width: float, *texts) -> float:
    """``width``, or more where a word of these texts (headers, the words a column holds) would
    not fit on a line: English words are not broken (Status, Achieved, Awaiting review), while
    Chinese text wraps between any two characters and leaves the width as it is."""
    words = [word for text in texts for word in str(text).split()
             if not any(unicodedata.east_asian_width(ch) in "WF" for ch in word)]
    return max([width, *(len(word) + 1.5 for word in words)])


def rounded(value: Decimal | None, places: str = "0.0001") -> Decimal | None:
    """A value as a cell stores it: at most four decimals."""
    if value is None:
        return None
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def local_date(value: datetime.datetime | None) -> datetime.date | None:
    return None if value is None else timezone.localtime(value).date()


@functools.cache
def status_style(fill_colour: str) -> xlsx.CellStyle:
    """A status cell in its colour (one instance per colour: a workbook resolves it once)."""
    return CENTERED.replace(fill=xlsx.fill(fill_colour))


def indicator_status_style(status: Status) -> xlsx.CellStyle:
    return status_style(STATUS_STYLE[status]["fill"])


def target_display(target: TargetSpec) -> str:
    """A target as a reader writes it (≥25000, 3–5, 验收), as ``Target.display`` says."""
    return Target(value=target.value, comparator=target.comparator, low=target.low,
                  high=target.high, text=target.text).display


def title_rows(ws, *, title: str, info: str, last_column: int) -> None:
    """Row 1: the title; row 2: what the report covers. Both span the table's width."""
    last = get_column_letter(last_column)
    xlsx.write(ws, 1, 1, title, xlsx.TITLE)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 26
    xlsx.write(ws, 2, 1, info, SUBTITLE)
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 30


def plan_label(plan) -> str:
    """A plan's title with its period, unless the title already names it."""
    if str(plan.start_year) in plan.title and str(plan.end_year) in plan.title:
        return plan.title
    return plan.title + bracketed(plan.period_label)


def plans_text(names, ended: int | None = None) -> str:
    """The plans a sheet covers, joined (本年度无在期方案 without any); with ``ended``, the year
    they ended in, at which they are judged."""
    text = pgettext("clause separator", "；").join(names) or _("本年度无在期方案")
    if ended is not None:
        text = _("%(plans)s（已于 %(year)s 年结束，按期末评价）") % {"plans": text, "year": ended}
    return text


def sample_title(title: str, sample: bool) -> str:
    return title + (_("【示例数据】") if sample else "")


def merge_runs(ws, column: int, keys: Sequence[Any], first_row: int) -> list[tuple[int, int]]:
    """Merge each run of equal, non-empty keys down ``column`` (from ``first_row``); returns
    the (first, last) rows of each merged run."""
    runs, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] not in (None, "") and i - start > 1:
                runs.append((first_row + start, first_row + i - 1))
            start = i
    letter = get_column_letter(column)
    for top, bottom in runs:
        ws.merge_cells(f"{letter}{top}:{letter}{bottom}")
    return runs


def row_height(values, widths: Sequence[float], *, size: float = 10.5) -> float:
    """The height that shows a row's wrapped text whole: ``xlsx.text_height``'s count of
    lines, each as tall as a line of a CJK font (Noto CJK and SimSun lines take about 1.45
    times the font size; checked on LibreOffice's PDF output)."""
    lines = max(1, round((xlsx.text_height(values, widths, size=size) - 4) / (size * 1.4)))
    return round(lines * size * 1.5 + 5, 1)


def fit_runs(ws, runs: list[tuple[int, int]], text_of, width: float) -> None:
    """Make each merged run tall enough for its text: the missing height is shared out."""
    for top, bottom in runs:
        need = row_height([text_of(top)], [width])
        have = sum(ws.row_dimensions[r].height or 15 for r in range(top, bottom + 1))
        if need > have:
            extra = (need - have) / (bottom - top + 1)
            for r in range(top, bottom + 1):
                ws.row_dimensions[r].height = round((ws.row_dimensions[r].height or 15) + extra, 1)


def legend_rows(band: Decimal) -> list[tuple[str, str, str]]:
    """(word, fill colour, rule) of every status, as the portal's legend states them."""
    return [(str(item["label"]), item["fill"], str(item["rule"])) for item in legend(band)]


def write_legend(ws, row: int, band: Decimal, *, label_column: int = 1, rule_column: int = 2,
                 last_column: int = 6) -> int:
    """The status legend from ``row`` down (word with its fill, then the rule); returns the
    next free row."""
    xlsx.write(ws, row, label_column, _("状态说明"), SECTION)
    row += 1
    last = get_column_letter(last_column)
    for word, colour, rule in legend_rows(band):
        xlsx.write(ws, row, label_column, word, status_style(colour))
        xlsx.write(ws, row, rule_column, rule, SUBTITLE)
        if last_column > rule_column:
            ws.merge_cells(f"{get_column_letter(rule_column)}{row}:{last}{row}")
        row += 1
    return row
