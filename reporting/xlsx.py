"""The one way the portal writes cells into Excel workbooks.

Every workbook the portal produces (the fill-in workbook for figures, the assessment reports)
writes its cells through this module, so that text which came from a user can never become a
live formula, in normal and in write-only workbooks alike.

Why: openpyxl turns any string that starts with ``=`` into a formula, and Excel (and other
spreadsheet programs) treat text starting with ``+ - @``, a tab or a carriage return as the
start of a formula when a user edits the cell ("CSV/formula injection"). ``set_value`` stores
every string as a plain string (``data_type`` ``"s"``, written as an inline string) and marks
the risky ones with the cell style's ``quotePrefix``, which is what Excel itself does when a
user types a leading apostrophe: the text stays text, even when edited. Characters that XML
cannot hold are dropped and text is cut at Excel's 32,767 characters, instead of failing. A
carriage return is stored as a line break ("\\r" → "\\n"): XML readers, Excel's included, read
a stored one that way, so the value written is exactly the value read back.

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报表")
    append_row(ws, ["序号", "指标名称"], style=HEADER)
    append_row(ws, [1, user_text])            # user_text stays text, whatever it starts with

    ws = Workbook().active                    # a normal workbook
    write(ws, 2, 3, user_text)                # row 2, column C
    set_value(ws["D2"], Decimal("12.5"))      # numbers stay numbers, None stays empty

Styling helpers keep the look of every workbook the same: ``CellStyle`` bundles font, fill,
border, alignment, number format and protection (``HEADER``, ``BODY``, ``TEXT``, ``NUMBER``,
``INPUT`` are ready-made), and ``setup_print`` / ``set_widths`` / ``freeze`` lay out a sheet
for A4 landscape printing with repeated header rows and page numbers.

Reading: openpyxl parses workbooks with defusedxml when it is installed (it is a dependency of
the project; tests/reporting/test_xlsx.py checks it), so an uploaded workbook cannot use XML
entity tricks.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import unicodedata
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

# A string starting with one of these is read as a formula by some spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32767

# 宋体 is on every Chinese Windows and in WPS; LibreOffice on Linux falls back to a CJK font
# such as "Noto Sans CJK SC" (Debian package fonts-noto-cjk) when SimSun is missing.
FONT_NAME = "SimSun"
FALLBACK_FONT_NAME = "Noto Sans CJK SC"
GB2312_CHARSET = 134  # tells Excel the font is a Chinese one
A4 = "9"  # openpyxl's paper size code

THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def font(*, bold: bool = False, size: float = 10.5, color: str | None = None,
         italic: bool = False) -> Font:
    """The portal's Chinese-capable font."""
    return Font(name=FONT_NAME, charset=GB2312_CHARSET, bold=bold, size=size, color=color,
                italic=italic)


@dataclasses.dataclass(frozen=True)
class CellStyle:
    """What a cell looks like. ``None`` leaves a part at the workbook default."""

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    number_format: str | None = None
    protection: Protection | None = None

    def apply(self, cell) -> None:
        for name in ("font", "fill", "border", "alignment", "protection"):
            value = getattr(self, name)
            if value is not None:
                setattr(cell, name, value)
        if self.number_format:
            cell.number_format = self.number_format

    def replace(self, **changes) -> "CellStyle":
        """This style with some parts changed, e.g. ``BODY.replace(number_format="0.00")``."""
        return dataclasses.replace(self, **changes)


def fill(color: str) -> PatternFill:
    """A solid background, e.g. ``fill("FFF2CC")``."""
    return PatternFill("solid", start_color=color, end_color=color)


WRAP = Alignment(wrap_text=True, vertical="center")
TITLE = CellStyle(font=font(bold=True, size=14), alignment=Alignment(vertical="center"))
HEADER = CellStyle(
    font=font(bold=True), fill=fill("D9E1F2"), border=GRID,
    alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
)
BODY = CellStyle(font=font(), border=GRID, alignment=WRAP)
TEXT = BODY.replace(number_format="@")
NUMBER = BODY.replace(number_format="#,##0.####",
                      alignment=Alignment(horizontal="right", vertical="center"))
# A cell a user fills in: pale yellow and unlocked, so it stays editable on a protected sheet.
INPUT = BODY.replace(fill=fill("FFF2CC"), protection=Protection(locked=False))


def clean_text(value: str) -> str:
    """Text as a cell can hold it: characters XML forbids dropped, a carriage return written as
    the line break every XML reader turns it into anyway, cut at 32,767 characters."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]


def set_value(cell, value: Any) -> None:
    """Put ``value`` into ``cell`` (normal or write-only) so that it can never be a formula.

    - ``None`` and ``""`` leave the cell empty;
    - ``bool``, ``int``, ``float``, ``Decimal`` are numbers (booleans as TRUE/FALSE);
    - dates and times stay dates;
    - anything else is text (``str(value)``): always a string cell, with ``quotePrefix`` set
      when it starts with one of ``FORMULA_START``.
    """
    if value is None or value == "":
        cell._value = None
        cell.data_type = "n"
        return
    if isinstance(value, (bool, int, float, Decimal, datetime.date, datetime.time,
                          datetime.timedelta)):
        cell.value = value  # openpyxl's own typing: these can never be formulas
        return
    text = str(value)
    cell._value = clean_text(text)
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def write(ws, row: int, column: int, value: Any, style: CellStyle | None = None):
    """Write one cell of a normal worksheet safely; returns the cell."""
    cell = ws.cell(row=row, column=column)
    set_value(cell, value)
    if style is not None:
        style.apply(cell)
    return cell


def safe_cell(ws, value: Any, style: CellStyle | None = None) -> WriteOnlyCell:
    """A detached cell holding ``value`` safely, for ``ws.append([...])`` in any worksheet."""
    cell = WriteOnlyCell(ws)
    set_value(cell, value)
    if style is not None:
        style.apply(cell)
    return cell


def append_row(ws, values: Iterable[Any],
               style: CellStyle | Sequence[CellStyle | None] | None = None) -> None:
    """Append a row of values to a normal or write-only worksheet, every cell written safely.

    ``style`` is one style for the whole row or one per value (``None`` for none).
    """
    values = list(values)
    if style is None or isinstance(style, CellStyle):
        styles = [style] * len(values)
    else:
        styles = list(style) + [None] * (len(values) - len(style))
    ws.append([safe_cell(ws, value, s) for value, s in zip(values, styles)])


def set_widths(ws, widths: Sequence[float] | Mapping[str, float]) -> None:
    """Column widths in characters: a list from column A, or ``{"C": 40}``.

    In a write-only worksheet call it before the first row is appended.
    """
    items = widths.items() if isinstance(widths, Mapping) else (
        (get_column_letter(i), w) for i, w in enumerate(widths, 1))
    for letter, width in items:
        ws.column_dimensions[letter].width = width


def text_height(values: Iterable[Any], widths: Sequence[float], *, size: float = 10.5) -> float:
    """The row height (points) that shows wrapped ``values`` whole in columns of ``widths``.

    Spreadsheet programs do not grow rows for wrapped text written by openpyxl, so a sheet with
    long names sets its row heights: ``ws.row_dimensions[r].height = text_height(row, widths)``.
    A Chinese character counts as 1.7 widths of a digit (an estimate, erring on the tall side).
    """
    lines = 1
    for value, width in zip(values, widths):
        if value is None or isinstance(value, (int, float, Decimal)):
            continue
        cell_lines = 0
        for part in str(value).split("\n"):
            units = sum(1.7 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)
            cell_lines += max(1, math.ceil(units / max(width - 1, 1)))
        lines = max(lines, cell_lines)
    return round(lines * size * 1.4 + 4, 1)


def freeze(ws, cell: str) -> None:
    """Keep the rows above and the columns left of ``cell`` in view, e.g. ``freeze(ws, "D4")``."""
    ws.freeze_panes = cell


def setup_print(ws, *, header_rows: tuple[int, int] | None = None, landscape: bool = True,
                fit_width: bool = True, footer: str | None = None) -> None:
    """A4 (landscape by default), fitted to the page width, header rows repeated on every page,
    page numbers in the footer."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    if header_rows:
        first, last = header_rows
        ws.print_title_rows = f"{first}:{last}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = _("第 &P 页，共 &N 页") if footer is None else footer
    ws.oddFooter.center.size = 9
    ws.oddFooter.center.font = FONT_NAME
