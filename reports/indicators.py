"""指标完成情况表: a plan's indicator table for a year as a printable workbook.

Row 1 the title (district, year, 【示例数据】 when a figure shown is sample data), row 2 the plan,
period, as-of date and filters, rows 3–4 the two-row header laid out like the plans' tables
(基础值 over 数值 / 年份, 目标值 over each plan year, 实际值 over each year up to the chosen one),
then one row per indicator, the status legend and notes. Category cells are merged down their
runs as in the plans' tables. Every cell is written through reporting/xlsx.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from io import BytesIO

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.utils import get_column_letter

from indicators.choices import Attribute, Comparator
from indicators.progress import Status
from ipops.text import bracketed
from reporting import xlsx
from reports import layout
from reports.selectors import IndicatorReport, IndicatorRow, is_adjusted, shown_decimals

SHEET = gettext_noop("指标完成情况")  # the sheet's name, in the language of the download
HEADER_ROWS = (3, 4)
FIRST_ROW = 5


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    group: str = ""  # the header above, for columns under a shared heading


def columns(report: IndicatorReport) -> list[Column]:
    cols = [
        Column("number", _("序号"), 5),
        Column("category", _("类别"), 8),
        Column("name", _("指标名称"), 26),
        Column("unit", _("单位"), 7),
        Column("attribute", _("指标属性"), 8),
        Column("baseline", _("数值"), 9, _("基础值")),
        Column("baseline_year", _("年份"), 6, _("基础值")),
    ]
    for year in report.target_years:
        adjusted = [t for row in report.rows
                    if (t := row.targets.get(year)) is not None and is_adjusted(t)]
        width = max([19, *(_adjusted_width(t) for t in adjusted)]) if adjusted else 10
        cols.append(Column(f"target:{year}", _("%(year)s年") % {"year": year}, width,
                           _("目标值")))
    for year in report.actual_years:
        cols.append(Column(f"actual:{year}", _("%(year)s年") % {"year": year}, 10, _("实际值")))
    cols += [
        Column("expected", _("%(year)s年序时进度") % {"year": report.year}, 10),
        Column("percent", _("完成率"), 8),
        Column("status", _("状态"), 7),
        Column("note", _("说明"), 24),
    ]
    words = {"status": [s.label for s in Status], "attribute": Attribute.labels}
    return [dataclasses.replace(col, width=layout.word_fit(col.width, col.header,
                                                           *words.get(col.key, ())))
            for col in cols]


def _adjusted_width(target) -> float:
    if target.value is None:  # a text or a range: written as text, wrapped
        return 0
    return layout.adjusted_target_width(target.value, target.comparator, target.original_value)


def _number(value: str):
    """序号 as printed: a plain number stays a number, T1 stays text."""
    return int(value) if value.isdigit() else value


def _cells(row: IndicatorRow, cols: list[Column]) -> list:
    """(value, style) for each column of an indicator's row."""
    indicator, progress = row.indicator, row.progress
    fmt = layout.number_format(indicator.unit, row.decimals)
    numeric = layout.NUMBER.replace(number_format=fmt)
    cells = []
    for col in cols:
        key = col.key
        value, style = None, layout.BODY
        if key == "number":
            value, style = _number(indicator.number), layout.CENTERED
        elif key == "category":
            value, style = row.category, layout.CENTERED
        elif key == "name":
            value = indicator.name
        elif key == "unit":
            value, style = indicator.unit, layout.CENTERED
        elif key == "attribute":
            value = Attribute(indicator.attribute).label if indicator.attribute else ""
            style = layout.CENTERED
        elif key == "baseline":
            value, style = layout.rounded(indicator.baseline_value), numeric
        elif key == "baseline_year":
            value = indicator.baseline_year
            style = layout.CENTERED.replace(number_format=layout.YEAR_FORMAT)
        elif key.startswith("target:"):
            value, style = _target(row.targets.get(int(key[7:])), fmt)
        elif key.startswith("actual:"):
            actual = row.actuals.get(int(key[7:]))
            if actual is not None and actual.judged_as == "milestone":
                if actual.done is not None:
                    value = _("已完成") if actual.done else _("未完成")
                style = layout.CENTERED
            elif actual is not None and actual.judged_as == "growth":
                value = layout.rounded(actual.actual)
                style = _computed(indicator.unit, actual.actual, row.decimals)
            else:
                value, style = layout.rounded(actual.actual if actual else None), numeric
        elif key == "expected":
            value = layout.rounded(progress.expected)
            style = _computed(indicator.unit, progress.expected, row.decimals)
        elif key == "percent":
            value = layout.rounded(progress.percent, "0.01")
            style = layout.NUMBER.replace(number_format=layout.PERCENT_FORMAT)
        elif key == "status":
            if progress.year < indicator.plan.start_year:  # not judged, as on the pages
                value, style = _("方案尚未开始"), layout.CENTERED
            else:
                value = str(progress.status.label)
                style = layout.indicator_status_style(progress.status)
        elif key == "note":
            value, style = row.note, layout.TEXT
        cells.append((value, style))
    return cells


def _computed(unit: str, value, decimals: int):
    """The style of a computed value: with the decimals the pages show of it."""
    return layout.NUMBER.replace(number_format=layout.number_format(
        unit, shown_decimals(value, decimals)))


def _target(target, fmt: str):
    """A target cell: a number (with its comparator and, if adjusted, the original value in
    the number format), a range or a text status (验收, 完成) as text."""
    if target is None:
        return None, layout.CENTERED
    if target.comparator == Comparator.TEXT:
        return target.text, layout.CENTERED
    if target.comparator == Comparator.BETWEEN:
        return target.display, layout.CENTERED
    original = ""
    if is_adjusted(target):
        original = layout.original_text(target.comparator, target.original_value)
    style = layout.NUMBER.replace(number_format=layout.target_format(fmt, target.comparator,
                                                                      original))
    return layout.rounded(target.value), style


def title(report: IndicatorReport) -> str:
    text = _("%(district)s %(year)s年知识产权规划指标完成情况表") % {
        "district": report.district.name, "year": report.year}
    return layout.sample_title(text, report.sample)


def info(report: IndicatorReport) -> str:
    plan = report.plan
    text = _("方案：%(plan)s　年度：%(year)s年　数据截至：%(as_of)s　只计入已审核的实际值") % {
        "plan": layout.plan_label(plan), "year": report.year, "as_of": report.as_of.isoformat()}
    if report.filters.describe():
        text += _("　筛选：%(filters)s") % {"filters": report.filters.describe()}
    return text


def _header(ws, cols: list[Column]) -> None:
    top, bottom = HEADER_ROWS
    c = 1
    while c <= len(cols):
        col = cols[c - 1]
        if not col.group:
            xlsx.write(ws, top, c, col.header, xlsx.HEADER)
            xlsx.write(ws, bottom, c, None, xlsx.HEADER)
            ws.merge_cells(start_row=top, start_column=c, end_row=bottom, end_column=c)
            c += 1
            continue
        end = c
        while end < len(cols) and cols[end].group == col.group:
            end += 1
        xlsx.write(ws, top, c, col.group, xlsx.HEADER)
        for i in range(c, end + 1):
            if i > c:
                xlsx.write(ws, top, i, None, xlsx.HEADER)
            xlsx.write(ws, bottom, i, cols[i - 1].header, xlsx.HEADER)
        if end > c:
            ws.merge_cells(start_row=top, start_column=c, end_row=top, end_column=end)
        c = end + 1
    ws.row_dimensions[top].height = 20
    ws.row_dimensions[bottom].height = 30


def build(report: IndicatorReport) -> openpyxl.Workbook:
    cols = columns(report)
    widths = [col.width for col in cols]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _(SHEET)
    layout.title_rows(ws, title=title(report), info=info(report), last_column=len(cols))
    _header(ws, cols)

    r = FIRST_ROW
    for row in report.rows:
        cells = _cells(row, cols)
        for c, (value, style) in enumerate(cells, 1):
            xlsx.write(ws, r, c, value, style)
        ws.row_dimensions[r].height = layout.row_height([v for v, _s in cells], widths)
        r += 1
    if not report.rows:
        xlsx.write(ws, r, 1, _("没有符合条件的指标。"), layout.BODY)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(cols))
        r += 1

    category = [c.key for c in cols].index("category") + 1
    runs = layout.merge_runs(ws, category, [row.category for row in report.rows], FIRST_ROW)
    layout.fit_runs(ws, runs, lambda top: ws.cell(top, category).value, cols[category - 1].width)

    last_table_row = r - 1
    r = layout.write_legend(ws, r + 1, report.band, label_column=3, rule_column=4,
                            last_column=len(cols))
    notes = _("说明：累计类指标的实际值为自方案起始年起的累计数；增长率指标的实际值为自基期起的"
              "年均增幅（%）；里程碑指标显示是否完成。序时进度为按基础值和各年目标值线性推算的本年"
              "应达到值；完成率按最终目标计算。目标值后括注“原”的为调整前的目标值，调整原因见"
              "说明栏。")
    xlsx.write(ws, r + 1, 1, notes, layout.NOTE)
    ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=len(cols))
    ws.row_dimensions[r + 1].height = 40

    xlsx.set_widths(ws, widths)
    xlsx.freeze(ws, f"D{FIRST_ROW}")
    xlsx.setup_print(ws, header_rows=HEADER_ROWS)
    ws.print_area = f"A1:{get_column_letter(len(cols))}{max(r + 1, last_table_row)}"
    return wb


def workbook_bytes(report: IndicatorReport) -> bytes:
    buffer = BytesIO()
    build(report).save(buffer)
    return buffer.getvalue()


def filename(report: IndicatorReport) -> str:
    """The district and year, and the plan's period when the district has several plans."""
    name = _("%(district)s-%(year)s年指标完成情况表") % {
        "district": report.district.name, "year": report.year}
    if report.district.plans.count() > 1:
        name += bracketed(report.plan.period_label)
    return name + ".xlsx"
