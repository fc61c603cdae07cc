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

Large workbooks: a ``CellStyle`` is resolved into the workbook's style tables once and each
further cell takes the indices, ``append_row`` streams a write-only sheet's rows through one
set of cells that know their style's index, and ``set_height`` shares a row height between a
write-only sheet's rows; the leaders' summary (300 districts, about 200,000 styled cells) is
written in under twice the time openpyxl needs for the same values without any style.

Reading: openpyxl parses workbooks with defusedxml when it is installed (it is a dependency of
the project; tests/reporting/test_xlsx.py checks it), so an uploaded workbook cannot use XML
entity tricks.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import unicodedata
import weakref
from decimal import Decimal
from typing import Any, Iterable, Iterator, Mapping, Sequence

from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import RowDimension

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
        """Give ``cell`` this look; parts left ``None`` stay as they are (``quotePrefix`` too)."""
        if cell._style is None:
            cell._style = StyleArray()
        for index, value in _styles(cell.parent).get(self, cell.parent)[0]:
            cell._style[index] = value

    def replace(self, **changes) -> "CellStyle":
        """This style with some parts changed, e.g. ``BODY.replace(number_format="0.00")``."""
        return dataclasses.replace(self, **changes)


# A workbook keeps each font, fill, border… once, in its style tables, and a cell holds their
# indices (its ``_style`` array). Setting ``cell.font`` looks the font up in the table by its
# hash, which openpyxl computes afresh from every attribute each time: for a workbook of
# 200,000 styled cells that was most of the time spent writing it. So a CellStyle is set
# through openpyxl once per workbook (on a scratch cell) and the indices it got are copied
# into every further cell. Style parts are treated as values: do not change one in place.
_STYLE_PARTS = ("font", "fill", "border", "alignment", "protection", "number_format")
# where a cell's style array keeps each part's index
_STYLE_INDEX = {name: StyleArray.__dict__[key].key for name, key in (
    ("font", "fontId"), ("fill", "fillId"), ("border", "borderId"), ("alignment", "alignmentId"),
    ("protection", "protectionId"), ("number_format", "numFmtId"))}


class _ResolvedStyles:
    """The CellStyles used in one workbook, each as (position in a cell's style array, value)
    of the parts it sets, and as the whole style array of a new cell with that look."""

    def __init__(self):
        # By identity first: styles are mostly shared constants. An entry keeps its style
        # alive, so the id cannot be taken by another style while the workbook lives.
        self.by_id: dict[int, tuple[CellStyle, tuple[list, StyleArray]]] = {}
        self.by_value: dict[CellStyle, tuple[list, StyleArray]] = {}  # hashes every part: once

    def get(self, style: CellStyle, ws) -> tuple[list[tuple[int, int]], StyleArray]:
        found = self.by_id.get(id(style))
        if found is not None:
            return found[1]
        resolved = self.by_value.get(style)
        if resolved is None:
            scratch = WriteOnlyCell(ws)
            names = [name for name in _STYLE_PARTS[:-1] if getattr(style, name) is not None]
            if style.number_format:
                names.append("number_format")
            for name in names:  # openpyxl registers the part in the workbook's table
                setattr(scratch, name, getattr(style, name))
            array = scratch._style or StyleArray()
            resolved = self.by_value[style] = (
                [(_STYLE_INDEX[name], array[_STYLE_INDEX[name]]) for name in names], array)
        self.by_id[id(style)] = (style, resolved)
        return resolved


_resolved_styles: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # by workbook


def _styles(ws) -> _ResolvedStyles:
    """The styles resolved in the workbook of ``ws``."""
    styles = _resolved_styles.get(ws.parent)
    if styles is None:
        styles = _resolved_styles[ws.parent] = _ResolvedStyles()
    return styles


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


_NUMBER_TYPES = (int, float, Decimal)  # exactly these: a bool is an int but not a number


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
    if type(value) in _NUMBER_TYPES:  # what openpyxl does with them, without its type checks
        cell._value = value
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
        _give_style(cell, _styles(ws).get(style, ws))
    return cell


def _give_style(cell, resolved: tuple[list, StyleArray]) -> None:
    """``CellStyle.apply`` with the style already resolved. A cell with no style of its own
    yet takes a copy of the style's whole array."""
    parts, array = resolved
    if cell._style is None:
        cell._style = StyleArray(array)
    else:  # set_value gave it something of its own: quotePrefix, a date's format
        for index, value in parts:
            cell._style[index] = value


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
    if isinstance(ws, WriteOnlyWorksheet):
        streamed = vars(ws).get("_streamed_rows") or _StreamedRows(ws)
        streamed.append(values, styles)
    else:
        ws.append([safe_cell(ws, value, s) for value, s in zip(values, styles)])


class _StreamedCell(Cell):
    """A cell of a streamed row that is told its place in the workbook's style table and
    whether it has a style at all: openpyxl asks both of every cell it writes, and answers by
    hashing the cell's style array (once for the first question, twice for the second)."""

    __slots__ = ("style_id", "has_style")


class _StreamedRows:
    """How ``append_row`` writes the rows of a write-only worksheet.

    Such a worksheet writes a row out as soon as it is appended and keeps none of its cells.
    So one set of cells serves every row, and a cell shares its style's array instead of a
    copy, with the array's index in the workbook's style table found once per style. And the
    cells are placed in the row as they are (``place``): openpyxl's own
    ``WriteOnlyWorksheet._values_to_row`` first tries to store each appended value in a cell of
    its own and takes an appended cell only when that fails, which costs an exception (with
    the cell's repr) for every cell. Together these were a quarter of the time spent writing a
    large styled sheet.
    """

    def __init__(self, ws):
        self.ws = ws
        self.styles = _styles(ws)
        self.table = ws.parent._cell_styles  # the workbook's style arrays, each with its index
        # by the style's identity (``styles`` keeps it alive): (its array, has_style, style_id)
        self.known: dict[int, tuple[StyleArray, bool, int]] = {}
        self.cells: list[_StreamedCell] = []
        ws._streamed_rows = self
        ws._values_to_row = self.place

    def append(self, values: list, styles: list) -> None:
        while len(self.cells) < len(values):
            self.cells.append(_StreamedCell(self.ws))
        cells = self.cells[:len(values)]
        for cell, value, style in zip(cells, values, styles):
            cell._style = None  # before set_value, which may give it quotePrefix
            set_value(cell, value)
            if style is not None and cell._style is None:  # most cells: the style's own array
                known = self.known.get(id(style))
                if known is None:
                    known = self.known[id(style)] = self._resolve(style)
                cell._style, cell.has_style, cell.style_id = known
                continue
            if style is not None:  # set_value gave it an array of its own
                _give_style(cell, self.styles.get(style, self.ws))
            array = cell._style
            cell.has_style = array is not None and any(array)
            cell.style_id = self.table.add(array) if cell.has_style else 0
        self.ws.append(cells)

    def _resolve(self, style: CellStyle) -> tuple[StyleArray, bool, int]:
        array = self.styles.get(style, self.ws)[1]
        return (array, True, self.table.add(array)) if any(array) else (array, False, 0)

    def place(self, row: Sequence[Any], row_index: int) -> Iterator[Cell]:
        """The row's cells, numbered; a value that is not a cell goes through openpyxl's own
        typing, as it would have."""
        for column, cell in enumerate(row, 1):
            if cell is None:
                continue
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(self.ws, cell)
            cell.column, cell.row = column, row_index
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell


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
        cell_lines, room = 0, max(width - 1, 1)
        for part in str(value).split("\n"):
            if len(part) * 1.7 < room - 0.01:  # fits on a line even if every character is wide
                cell_lines += 1
                continue
            units = sum(1.7 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)
            cell_lines += max(1, math.ceil(units / room))
        lines = max(lines, cell_lines)
    return round(lines * size * 1.4 + 4, 1)


def set_height(ws, row: int, height: float) -> None:
    """Row ``row``'s height in points. In a write-only worksheet set it before appending the row.

    A write-only worksheet writes each row's height from its ``RowDimension`` as the row is
    written, and nothing else of it; so there, rows of one height share one (building one per
    row, with openpyxl's checks on each attribute, took a sixth of the time spent writing the
    summary workbook).
    """
    if not isinstance(ws, WriteOnlyWorksheet):
        ws.row_dimensions[row].height = height
        return
    shared = vars(ws).setdefault("_shared_heights", {})
    dimension = shared.get(height)
    if dimension is None:
        dimension = shared[height] = RowDimension(ws, index=row, ht=height)
    ws.row_dimensions[row] = dimension


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
