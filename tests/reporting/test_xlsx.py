"""reporting/xlsx.py: user text never becomes a formula; numbers stay numbers; print layout."""

import datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from openpyxl import Workbook, load_workbook

from reporting import xlsx

RISKY = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")"]


def stored(text):
    """What a reader gets back: XML reads a stored carriage return as a line break."""
    return text.replace("\r", "\n")


def _saved(wb) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _reload(wb, **kwargs):
    return load_workbook(BytesIO(_saved(wb)), **kwargs)


def test_it_parses_workbooks_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_it_keeps_risky_text_as_text_in_a_normal_workbook():
    wb = Workbook()
    ws = wb.active
    for row, text in enumerate(RISKY, 1):
        xlsx.write(ws, row, 1, text)
    ws2 = _reload(wb).active
    for row, text in enumerate(RISKY, 1):
        cell = ws2.cell(row=row, column=1)
        assert cell.data_type == "s", text
        assert cell.value == stored(text)
        assert ws.cell(row=row, column=1).value == stored(text)  # as written, before saving
        assert cell.quotePrefix is True
    # and openpyxl's own writing would have made a formula of the first one
    wb = Workbook()
    wb.active["A1"] = "=1+1"
    assert _reload(wb).active["A1"].data_type == "f"


def test_it_keeps_risky_text_as_text_in_a_write_only_workbook():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报表")
    xlsx.set_widths(ws, [20, 10])
    for text in RISKY:
        xlsx.append_row(ws, [text, 1], style=xlsx.BODY)
    xlsx.setup_print(ws, header_rows=(1, 1))
    xlsx.freeze(ws, "A2")
    data = _saved(wb)  # a write-only workbook can be saved once
    ws2 = load_workbook(BytesIO(data))["报表"]
    for row, text in enumerate(RISKY, 1):
        cell = ws2.cell(row=row, column=1)
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", stored(text), True)
        assert ws2.cell(row=row, column=2).value == 1
    # read-only reading (as uploads are read) sees strings too
    wb3 = load_workbook(BytesIO(data), read_only=True)
    values = [(c.value, c.data_type) for c in next(wb3["报表"].iter_rows(max_col=1))]
    assert values == [("=1+1", "s")]


def test_it_writes_numbers_as_numbers_and_none_as_empty():
    wb = Workbook()
    ws = wb.active
    xlsx.write(ws, 1, 1, Decimal("12.5"))
    xlsx.write(ws, 1, 2, 3)
    xlsx.write(ws, 1, 3, None)
    xlsx.write(ws, 1, 4, "")
    xlsx.write(ws, 1, 5, "普通文字")
    xlsx.write(ws, 1, 6, datetime.date(2024, 3, 1))
    xlsx.write(ws, 1, 7, True)
    row = [c for c in _reload(wb).active[1]]
    assert row[0].value == 12.5 and row[0].data_type == "n"
    assert row[1].value == 3
    assert row[2].value is None and row[3].value is None
    assert row[4].value == "普通文字" and row[4].data_type == "s" and not row[4].quotePrefix
    assert row[5].value == datetime.datetime(2024, 3, 1)
    assert row[6].value is True


def test_it_drops_characters_xml_cannot_hold():
    wb = Workbook()
    xlsx.write(wb.active, 1, 1, "a\x00b\x07c")
    assert _reload(wb).active["A1"].value == "abc"


@pytest.mark.parametrize("write_only", [False, True])
def test_it_sets_up_a4_landscape_printing(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("表") if write_only else wb.active
    xlsx.set_widths(ws, {"A": 6, "C": 40})
    xlsx.setup_print(ws, header_rows=(1, 2))
    xlsx.freeze(ws, "C3")
    xlsx.append_row(ws, ["序号", "名称", "说明"], style=xlsx.HEADER)
    xlsx.append_row(ws, [1, "a", "b"], style=[xlsx.NUMBER, xlsx.TEXT, None])
    ws2 = _reload(wb).worksheets[-1]
    assert ws2.page_setup.orientation == "landscape"
    assert ws2.page_setup.paperSize == 9
    assert ws2.print_title_rows == "$1:$2"
    assert ws2.freeze_panes == "C3"
    assert ws2.column_dimensions["C"].width == 40
    assert "&P" in ws2.oddFooter.center.text
    header = ws2["A1"]
    assert header.font.b and header.font.name == xlsx.FONT_NAME
    assert ws2["B2"].number_format == "@"


def test_it_leaves_input_cells_unlocked():
    wb = Workbook()
    ws = wb.active
    xlsx.write(ws, 1, 1, "标题", xlsx.TEXT)
    xlsx.write(ws, 1, 2, None, xlsx.INPUT)
    ws.protection.sheet = True
    ws2 = _reload(wb).active
    assert ws2.protection.sheet
    assert ws2["A1"].protection.locked is True
    assert ws2["B1"].protection.locked is False


def _look(cell):
    """The indices of the cell's font, fill, border… in its workbook's tables, quotePrefix."""
    return tuple(cell._style)


def test_a_style_looks_the_same_as_setting_each_part_in_every_workbook():
    """A CellStyle is resolved once per workbook; in a second workbook whose tables differ,
    and through an equal style made apart, a cell looks as if each part had been set."""
    made_apart = xlsx.BODY.replace(number_format="0.00")
    styles = [xlsx.HEADER, xlsx.NUMBER, xlsx.INPUT, xlsx.TEXT,
              xlsx.BODY.replace(number_format="0.00"), made_apart, xlsx.CellStyle()]
    for n, wb in enumerate([Workbook(), Workbook()]):
        ws = wb.active
        if n:
            xlsx.write(ws, 1, 1, "x", xlsx.TITLE)  # other parts come first in its tables
        for column, style in enumerate(styles, 1):
            applied = xlsx.write(ws, 2, column, "=risky", style)
            by_hand = ws.cell(3, column, "=risky")
            by_hand.quotePrefix = True
            for name in ("font", "fill", "border", "alignment", "protection"):
                if getattr(style, name) is not None:
                    setattr(by_hand, name, getattr(style, name))
            if style.number_format:
                by_hand.number_format = style.number_format
            assert _look(applied) == _look(by_hand), style
            assert applied.quotePrefix is True
        reloaded = _reload(wb).active
        for column in range(1, len(styles) + 1):
            assert _look(reloaded.cell(2, column)) == _look(reloaded.cell(3, column))


def test_a_written_workbook_is_not_kept_alive():
    """What the module keeps per workbook (resolved styles, shared row heights) goes with it."""
    import gc
    import weakref

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    xlsx.set_height(ws, 1, 30)
    xlsx.append_row(ws, ["a", 1], style=xlsx.BODY)
    _saved(wb)
    ref = weakref.ref(wb)
    del wb, ws
    gc.collect()
    assert ref() is None


def test_write_only_rows_hold_what_a_normal_worksheet_holds():
    """append_row reuses its cells and shares style arrays in a write-only worksheet: every row
    still reads back as the same row written to a normal worksheet."""
    rows = [
        (["=risky", Decimal("1.5"), None, datetime.date(2024, 3, 1), True, 7],
         [xlsx.TEXT, xlsx.NUMBER, xlsx.BODY, xlsx.NUMBER, None, xlsx.HEADER]),
        (["plain", None, "@x", datetime.date(2024, 3, 2), 0.25, "-1"],
         [xlsx.BODY, None, xlsx.INPUT, xlsx.BODY, xlsx.NUMBER, xlsx.TEXT]),
        (["short"], xlsx.TITLE),
    ]

    def written(write_only):
        wb = Workbook(write_only=write_only)
        ws = wb.create_sheet("表") if write_only else wb.active
        for values, style in rows:
            xlsx.append_row(ws, values, style=style)
        ws.append(["=1+1", 3])  # openpyxl's own appending still works after append_row
        return _reload(wb).worksheets[-1]

    def read(ws):
        return [[(c.value, c.data_type, c.quotePrefix, c.number_format, c.font.b, c.font.sz,
                  c.fill.fgColor.rgb, c.border.left.style, c.protection.locked)
                 for c in row] for row in ws.iter_rows()]

    normal, streamed = written(False), written(True)
    assert read(streamed) == read(normal)
    assert streamed["A1"].quotePrefix and not streamed["A2"].quotePrefix
    assert streamed["A4"].data_type == "f"
