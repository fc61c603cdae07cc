"""The leaders' summary workbook across districts (各区规划实施情况汇总).

A summary sheet (汇总): one row per district with its indicators by status, reporting
completeness (indicators with an approved figure for the year) and task progress, a total row
and the status legend; then one sheet per district with its indicators' target, actual,
expected value, percent complete and status, and its delayed tasks with reason and remedy.

The workbook is written in openpyxl's write-only mode, row by row, so its memory stays flat
however many districts there are; the data comes from ``reports.selectors.summary_report`` in
a constant number of queries. Every cell is written through reporting/xlsx.py.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any, Sequence

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import pgettext
from openpyxl.worksheet.cell_range import CellRange

from indicators.choices import Comparator
from indicators.progress import STATUS_ORDER, STATUS_STYLE
from reporting import xlsx
from reports import layout
from reports.selectors import (
    TASK_STATUSES, DistrictSummary, SummaryReport, decimals_needed, is_adjusted, shown_decimals,
    task_status_label,
)

SUMMARY_SHEET = gettext_noop("汇总")  # the sheet's name, in the language of the download
HEADER_ROWS = (3, 4)
COUNT = layout.NUMBER.replace(number_format="0")
PERCENT = layout.NUMBER.replace(number_format=layout.PERCENT_FORMAT)
TOTAL = xlsx.CellStyle(font=xlsx.font(bold=True), border=xlsx.GRID,
                       alignment=layout.CENTER, fill=xlsx.fill("F2F2F2"))


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    group: str = ""


class Sheet:
    """A write-only worksheet that knows its next row (heights and merges need row numbers)."""

    def __init__(self, wb, name: str, widths: Sequence[float]):
        self.ws = wb.create_sheet(name)
        self.widths = list(widths)
        self.row = 1
        xlsx.set_widths(self.ws, self.widths)

    def append(self, values: Sequence[Any], styles, *, height: float | None = None,
               merge: Sequence[tuple[int, int]] = ()) -> int:
        """Append a row; ``merge`` lists (first, last) column spans to merge on it. Returns its
        row number.

        A row whose last style draws on an empty cell (a border or a fill) is padded with
        empty cells in that style to the sheet's width; other padding would show nothing.
        """
        values = list(values)
        if isinstance(styles, xlsx.CellStyle) or styles is None:
            styles = [styles] * len(values)
        else:
            styles = list(styles) + [styles[-1]] * (len(values) - len(styles))
        pad = styles[-1] if styles else None
        if pad is not None and (pad.border is not None or pad.fill is not None):
            padding = len(self.widths) - len(values)
            values += [None] * padding
            styles += [pad] * padding
        if height is None:
            height = layout.row_height(values, self.merged_widths(merge))
        xlsx.set_height(self.ws, self.row, height)
        xlsx.append_row(self.ws, values, style=styles)
        for first, last in merge:
            self.merge(self.row, first, self.row, last)
        self.row += 1
        return self.row - 1

    def merged_widths(self, merge: Sequence[tuple[int, int]]) -> list[float]:
        """The columns' widths, the first cell of each merged span (first, last) taking the
        span's whole width: a line written across the sheet wraps at its merged width, not at
        its first column's (a one-line sentence in a 6-wide column was five lines tall)."""
        widths = list(self.widths)
        for first, last in merge:
            widths[first - 1] = sum(self.widths[first - 1:last])
            widths[first:last] = [0] * (last - first)
        return widths

    def merge(self, top: int, first: int, bottom: int, last: int) -> None:
        # straight into the set: the sheet's merges never overlap, and MultiCellRange.add
        # would compare the new range with every earlier one of the sheet first
        self.ws.merged_cells.ranges.add(
            CellRange(min_col=first, min_row=top, max_col=last, max_row=bottom))

    def blank(self) -> None:
        self.ws.append([])
        self.row += 1


def sheet_name(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (no []:*?/\\, at most 31 characters), unique."""
    base = re.sub(r"[\[\]:*?/\\]", "", name).strip("'")[:28] or _("区域")
    candidate, n = base, 2
    while candidate in taken or candidate == _(SUMMARY_SHEET):
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def _title(report: SummaryReport) -> str:
    return layout.sample_title(_("各区知识产权规划实施情况汇总表（%(year)s年）") % {
        "year": report.year}, report.sample)


def _info(report: SummaryReport) -> str:
    return _("年度：%(year)s年　数据截至：%(as_of)s　只计入已审核的实际值和进展；指标状态按序时进度"
             "判断，统计本年度在期方案的全部指标；填报率为本年度有已审核实际值的指标占比"
             "（此前已完成的里程碑计为已审核）。") % {
        "year": report.year, "as_of": report.as_of.isoformat()}


# The summary sheet.

def summary_columns() -> list[Column]:
    indicators, reporting, tasks = _("指标状态"), _("实际值填报"), _("重点任务推进")
    cols = [Column(_("区域"), 12), Column(_("在期方案"), 28), Column(_("指标数"), 7)]
    cols += [Column(str(STATUS_STYLE[s]["label"]), 7, indicators) for s in STATUS_ORDER]
    cols += [Column(_("已审核"), 7, reporting), Column(_("待审核"), 7, reporting),
             Column(_("填报率"), 8, reporting)]
    cols += [Column(_("任务数"), 7, tasks)]
    cols += [Column(task_status_label(s), 7, tasks) for s in TASK_STATUSES]
    cols += [Column(_("完成率"), 8, tasks)]
    return [dataclasses.replace(col, width=layout.word_fit(col.width, col.header)) for col in cols]


def _percent(part: int, whole: int) -> Decimal | None:
    return None if not whole else layout.rounded(Decimal(part * 100) / Decimal(whole), "0.01")


def _ended(d: DistrictSummary, report_year: int) -> int | None:
    """The year the district's plans ended in, when the summary's year is after it."""
    return d.year if d.year != report_year else None


def _summary_values(d: DistrictSummary, report_year: int) -> list:
    counts, tasks = d.status_counts, d.task_counts
    plans = layout.plans_text([plan.title for plan in d.plans], _ended(d, report_year))
    return ([d.district.name, plans, len(d.indicators)]
            + [counts[s] for s in STATUS_ORDER]
            + [d.reported, d.submitted, _percent(d.reported, len(d.indicators)), d.task_total]
            + [tasks[str(s)] for s in TASK_STATUSES]
            + [_percent(tasks["completed"], d.task_total)])


def _header_styles(cols: list[Column]) -> tuple[list, list]:
    """Header styles; a status column's header takes the status's fill (the legend)."""
    fills = {str(STATUS_STYLE[s]["label"]): STATUS_STYLE[s]["fill"] for s in STATUS_ORDER}
    task_fills = {task_status_label(s): layout.TASK_STATUS_FILL[s] for s in TASK_STATUSES}
    bottom = []
    for col in cols:
        colour = None
        if col.group == _("指标状态"):
            colour = fills.get(col.header)
        elif col.group == _("重点任务推进"):
            colour = task_fills.get(col.header)
        bottom.append(xlsx.HEADER.replace(fill=xlsx.fill(colour)) if colour else xlsx.HEADER)
    return [xlsx.HEADER] * len(cols), bottom


def _grouped_header(sheet: Sheet, cols: list[Column]) -> None:
    top_style, bottom_style = _header_styles(cols)
    top_values = [col.group or col.header for col in cols]
    bottom_values = [col.header if col.group else None for col in cols]
    top = sheet.append(top_values, top_style, height=20)
    sheet.append(bottom_values, bottom_style, height=30)
    c = 1
    while c <= len(cols):
        group = cols[c - 1].group
        if not group:
            sheet.merge(top, c, top + 1, c)
            c += 1
            continue
        end = c
        while end < len(cols) and cols[end].group == group:
            end += 1
        sheet.merge(top, c, top, end)
        c = end + 1


def _write_summary(wb, report: SummaryReport, legend: list) -> None:
    cols = summary_columns()
    sheet = Sheet(wb, _(SUMMARY_SHEET), [c.width for c in cols])
    ws = sheet.ws
    xlsx.freeze(ws, "C5")
    xlsx.setup_print(ws, header_rows=HEADER_ROWS)
    sheet.append([_title(report)], xlsx.TITLE, height=26, merge=[(1, len(cols))])
    sheet.append([_info(report)], layout.SUBTITLE, height=30, merge=[(1, len(cols))])
    _grouped_header(sheet, cols)

    body = [layout.CENTERED, layout.BODY] + [COUNT] * 8 + [PERCENT, COUNT] + [COUNT] * 5 + [PERCENT]
    for d in report.districts:
        sheet.append(_summary_values(d, report.year), body)
    if report.districts:
        # counts add up; the rates are recomputed from the totals
        ind = sum(len(d.indicators) for d in report.districts)
        reported = sum(d.reported for d in report.districts)
        tasks = sum(d.task_total for d in report.districts)
        done = sum(d.task_counts["completed"] for d in report.districts)
        counts = [sum(d.status_counts[s] for d in report.districts) for s in STATUS_ORDER]
        task_counts = [sum(d.task_counts[str(s)] for d in report.districts) for s in TASK_STATUSES]
        sheet.append(
            [_("合计"), "", ind, *counts, reported,
             sum(d.submitted for d in report.districts), _percent(reported, ind), tasks,
             *task_counts, _percent(done, tasks)],
            [TOTAL, TOTAL] + [TOTAL.replace(number_format="0")] * 8
            + [TOTAL.replace(number_format=layout.PERCENT_FORMAT)]
            + [TOTAL.replace(number_format="0")] * 6
            + [TOTAL.replace(number_format=layout.PERCENT_FORMAT)],
        )
    else:
        sheet.append([_("没有可查看的区域。")], layout.BODY, merge=[(1, len(cols))])
    sheet.blank()
    _legend(sheet, legend, last=len(cols))


def _legend(sheet: Sheet, legend: list, *, last: int) -> None:
    """``legend``: ``layout.legend_rows``, read once per workbook."""
    sheet.append([_("状态说明")], layout.SECTION, height=20)
    for word, colour, rule in legend:
        sheet.append([word, rule], [layout.status_style(colour), layout.SUBTITLE],
                     height=18, merge=[(2, last)] if last > 2 else ())


# One sheet per district.

DISTRICT_WIDTHS = [6, 34, 8, 12, 8, 12, 12, 8, 7, 22]


def _numeric(number_format: str) -> xlsx.CellStyle:
    """A number cell's style with its format: one instance per format, so that the workbook
    resolves each look once."""
    style = _NUMERIC.get(number_format)
    if style is None:
        style = _NUMERIC[number_format] = layout.NUMBER.replace(number_format=number_format)
    return style


_NUMERIC: dict[str, xlsx.CellStyle] = {}
YEAR = layout.CENTERED.replace(number_format=layout.YEAR_FORMAT)


def _adjusted(target) -> bool:
    """A numeric final target that was adjusted (a range or a text shows no original)."""
    return target is not None and target.value is not None and is_adjusted(target)


def _district_headers() -> list[str]:
    return [_("序号"), _("指标名称"), _("单位"), _("最终目标"), _("目标年份"), _("实际值"),
            _("序时进度"), _("完成率"), _("状态"), _("说明")]


def _district_widths(d: DistrictSummary) -> list[float]:
    """The district sheet's widths, 最终目标 wide enough for an adjusted target's original."""
    widths = [layout.word_fit(width, header)
              for width, header in zip(DISTRICT_WIDTHS, _district_headers())]
    widths[8] = layout.word_fit(widths[8], *(s.label for s in STATUS_ORDER))
    for row in d.indicators:
        if _adjusted(row.final_target) and row.final_target.comparator != Comparator.BETWEEN:
            target = row.final_target
            widths[3] = max(widths[3], layout.adjusted_target_width(
                target.value, target.comparator, target.original_value))
    return widths


def _indicator_values(d: DistrictSummary, row, labels) -> tuple[list, list]:
    progress = row.progress
    target = row.final_target
    decimals = decimals_needed([row.baseline_value, target.value if target else None,
                                progress.actual if progress.judged_as != "growth" else None])
    fmt = layout.number_format(row.unit, decimals)
    numeric = _numeric(fmt)
    if progress.judged_as == "milestone":
        target_value, target_style = progress.target_text, layout.CENTERED
        actual = (_("已完成") if progress.done else _("未完成")) if progress.done is not None else None
        actual_style = layout.CENTERED
    else:
        if target is not None and target.comparator == Comparator.BETWEEN:
            target_value, target_style = layout.target_display(target), layout.CENTERED
        else:
            comparator = target.comparator if target is not None else ""
            target_value = layout.rounded(progress.target)
            original = (layout.original_text(comparator, target.original_value)
                        if _adjusted(target) else "")  # the original stays visible
            target_style = _numeric(layout.target_format(fmt, comparator, original))
        actual, actual_style = layout.rounded(progress.actual), numeric
        if progress.judged_as == "growth":
            actual_style = _numeric(layout.number_format(
                row.unit, shown_decimals(progress.actual, decimals)))
    expected_style = _numeric(layout.number_format(
        row.unit, shown_decimals(progress.expected, decimals)))
    number = int(row.number) if row.number.isdigit() else row.number
    values = [number, row.name, row.unit, target_value, progress.target_year, actual,
              layout.rounded(progress.expected), layout.rounded(progress.percent, "0.01"),
              labels[progress.status], d.notes.get(row.pk, "")]
    styles = [layout.CENTERED, layout.BODY, layout.CENTERED, target_style, YEAR, actual_style,
              expected_style, PERCENT, layout.indicator_status_style(progress.status), layout.TEXT]
    return values, styles


def _write_district(wb, report: SummaryReport, d: DistrictSummary, name: str,
                    legend: list) -> None:
    sheet = Sheet(wb, name, _district_widths(d))
    ws, last = sheet.ws, len(DISTRICT_WIDTHS)
    xlsx.freeze(ws, "C4")
    xlsx.setup_print(ws, header_rows=(3, 3))
    title = layout.sample_title(_("%(district)s %(year)s年规划实施情况") % {
        "district": d.district.name, "year": report.year}, d.sample)
    sheet.append([title], xlsx.TITLE, height=26, merge=[(1, last)])
    plans = layout.plans_text([layout.plan_label(p) for p in d.plans], _ended(d, report.year))
    counts = pgettext("comma", "，").join(f"{STATUS_STYLE[s]['label']} {n}"
                                         for s, n in d.status_counts.items())
    sheet.append([_("方案：%(plans)s　数据截至：%(as_of)s　指标 %(n)s 项：%(counts)s") % {
        "plans": plans, "as_of": report.as_of.isoformat(), "n": len(d.indicators),
        "counts": counts}], layout.SUBTITLE, height=30, merge=[(1, last)])
    sheet.append(_district_headers(), xlsx.HEADER, height=30)
    plan_titles = {plan.pk: plan.title for plan in d.plans}
    labels = {status: str(status.label) for status in STATUS_ORDER}
    plan_id = None
    for row in d.indicators:
        if len(d.plans) > 1 and row.plan_id != plan_id:
            plan_id = row.plan_id
            sheet.append([plan_titles[plan_id]], layout.SECTION, merge=[(1, last)])
        values, styles = _indicator_values(d, row, labels)
        sheet.append(values, styles)
    if not d.indicators:
        sheet.append([_("本年度没有在期方案的指标。")], layout.BODY, merge=[(1, last)])

    sheet.blank()
    task_counts = pgettext("comma", "，").join(f"{task_status_label(s)} {n}"
                                              for s, n in d.task_counts.items())
    sheet.append([_("重点任务推进：共 %(n)s 项（%(counts)s）") % {
        "n": d.task_total, "counts": task_counts}], layout.SECTION, height=20,
        merge=[(1, last)])
    if d.delayed_tasks:
        spans = [(3, 4), (5, 7), (8, last)]
        sheet.append([_("序号"), _("滞后任务"), _("牵头单位"), None, _("滞后原因"), None, None,
                      _("整改措施")], xlsx.HEADER, height=20, merge=spans)
        red = layout.status_style(layout.TASK_STATUS_FILL["delayed"]).replace(number_format="@")
        styles = [red, layout.BODY, layout.BODY, layout.BODY, layout.TEXT, layout.TEXT,
                  layout.TEXT, layout.TEXT]
        for task in d.delayed_tasks:
            values = [task.number, task.text, task.lead, None, task.reason, None, None,
                      task.remedy]
            height = layout.row_height([task.number, task.text, task.lead, task.reason,
                                        task.remedy], [6, 34, 20, 32, 37])
            sheet.append(values, styles, height=height, merge=spans)
    else:
        sheet.append([_("本年度没有推进状态为“滞后”的任务。")], layout.BODY, merge=[(1, last)])
    sheet.blank()
    _legend(sheet, legend, last=last)


def build(report: SummaryReport) -> openpyxl.Workbook:
    """The summary as a write-only workbook (save it once)."""
    wb = openpyxl.Workbook(write_only=True)
    legend = layout.legend_rows(report.band)
    _write_summary(wb, report, legend)
    taken: set[str] = set()
    for d in report.districts:
        _write_district(wb, report, d, sheet_name(d.district.name, taken), legend)
    return wb


def workbook_bytes(report: SummaryReport) -> bytes:
    buffer = BytesIO()
    build(report).save(buffer)
    return buffer.getvalue()


def filename(report: SummaryReport) -> str:
    return _("%(year)s年各区规划实施情况汇总表.xlsx") % {"year": report.year}
