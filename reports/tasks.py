"""任务推进情况表: a district's task table for a year as a printable workbook.

Row 1 the title, row 2 the plans, year, as-of date and filters, row 3 the header, then one row
per task row (sub-item) with its action group and task merged down their rows, the lead and
supporting units, the latest approved progress (status with its fill, percent, narrative),
reason and remedy for delayed (red) rows, and the date of the last update; below, the count of
rows in each status. Every cell is written through reporting/xlsx.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from io import BytesIO

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.utils import get_column_letter

from ipops.text import bracketed
from reporting import xlsx
from reports import layout
from reports.selectors import TASK_STATUSES, TaskReport, TaskRow, task_status_label

SHEET = gettext_noop("任务推进情况")  # the sheet's name, in the language of the download
HEADER_ROW = 3
FIRST_ROW = 4


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float


def columns(report: TaskReport) -> list[Column]:
    """The columns; 任务 only when some row sits under a task heading."""
    cols = [Column("group", _("重点任务"), 16)]
    if any(row.heading for row in report.rows):
        cols.append(Column("heading", _("任务"), 18))
    cols += [
        Column("number", _("序号"), 6),
        Column("text", _("具体内容"), 34),
        Column("lead", _("牵头单位"), 14),
        Column("supporting", _("配合单位"), 16),
        Column("status", _("推进状态"), 8),
        Column("percent", _("完成百分比"), 8),
        Column("narrative", _("最新进展情况"), 32),
        Column("reason", _("滞后原因"), 18),
        Column("remedy", _("整改措施"), 18),
        Column("updated", _("更新日期"), 11),
    ]
    words = {"status": [task_status_label(s) for s in TASK_STATUSES]}
    return [dataclasses.replace(col, width=layout.word_fit(col.width, col.header,
                                                           *words.get(col.key, ())))
            for col in cols]


def _cells(row: TaskRow, cols: list[Column]) -> list:
    entry = row.entry
    values = {
        "group": (row.group.label if row.group else "", layout.BODY),
        "heading": (row.heading.label if row.heading else "", layout.BODY),
        "number": (row.task.number, layout.CENTERED.replace(number_format="@")),
        "text": (row.task.text, layout.BODY),
        "lead": (row.lead + "\n" + bracketed(_("单位为推定")) if row.task.units_inferred and row.lead
                 else row.lead, layout.BODY),
        "supporting": (row.supporting, layout.BODY),
        "status": (task_status_label(row.status),
                   layout.status_style(layout.TASK_STATUS_FILL[row.status])),
        "percent": (entry.percent if entry else None,
                    layout.NUMBER.replace(number_format='0"%"')),
        "narrative": (entry.narrative if entry else "", layout.TEXT),
        "reason": (entry.reason if row.delayed else "", layout.TEXT),
        "remedy": (entry.remedy if row.delayed else "", layout.TEXT),
        "updated": (layout.local_date(entry.updated_at) if entry else None,
                    layout.CENTERED.replace(number_format=layout.DATE_FORMAT)),
    }
    return [values[col.key] for col in cols]


def title(report: TaskReport) -> str:
    text = _("%(district)s %(year)s年重点任务推进情况表") % {
        "district": report.district.name, "year": report.year}
    return layout.sample_title(text, report.sample)


def info(report: TaskReport) -> str:
    plans = layout.plans_text([layout.plan_label(p) for p in report.plans])
    text = _("方案：%(plans)s　年度：%(year)s年　数据截至：%(as_of)s　只计入已审核的进展") % {
        "plans": plans, "year": report.year, "as_of": report.as_of.isoformat()}
    if report.describe():
        text += _("　筛选：%(filters)s") % {"filters": report.describe()}
    return text


def build(report: TaskReport) -> openpyxl.Workbook:
    cols = columns(report)
    keys = [col.key for col in cols]
    widths = [col.width for col in cols]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _(SHEET)
    layout.title_rows(ws, title=title(report), info=info(report), last_column=len(cols))
    for c, col in enumerate(cols, 1):
        xlsx.write(ws, HEADER_ROW, c, col.header, xlsx.HEADER)
    ws.row_dimensions[HEADER_ROW].height = 30

    r = FIRST_ROW
    for row in report.rows:
        cells = _cells(row, cols)
        for c, (value, style) in enumerate(cells, 1):
            xlsx.write(ws, r, c, value, style)
        # Headings are merged down their rows: they do not set a single row's height.
        own = [(v if k not in ("group", "heading") else None) for k, (v, _s) in zip(keys, cells)]
        ws.row_dimensions[r].height = layout.row_height(own, widths)
        r += 1
    if not report.rows:
        xlsx.write(ws, r, 1, _("没有符合条件的任务。"), layout.BODY)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(cols))
        r += 1

    groups = [row.group.pk if row.group else None for row in report.rows]
    group_runs = layout.merge_runs(ws, 1, groups, FIRST_ROW)
    layout.fit_runs(ws, group_runs, lambda top: ws.cell(top, 1).value, cols[0].width)
    if "heading" in keys:
        headings = [(g, row.heading.pk if row.heading else None)
                    for g, row in zip(groups, report.rows)]
        # a task merges within its action group only
        keyed = [h if h[1] is not None else None for h in headings]
        runs = layout.merge_runs(ws, 2, keyed, FIRST_ROW)
        layout.fit_runs(ws, runs, lambda top: ws.cell(top, 2).value, cols[1].width)

    last_table_row = r - 1
    r += 1
    xlsx.write(ws, r, 1, _("推进状态统计"), layout.SECTION)
    r += 1
    for status, count in report.counts.items():
        xlsx.write(ws, r, 1, task_status_label(status),
                   layout.status_style(layout.TASK_STATUS_FILL[status]))
        xlsx.write(ws, r, 2, count, layout.NUMBER.replace(number_format="0"))
        r += 1
    note = _("说明：推进状态、完成百分比和进展情况取本年度最新一期已审核的填报（全年总结"
             "在第四季度之后）；滞后原因和整改措施只列推进状态为“滞后”的任务。")
    if any(row.task.units_inferred for row in report.rows):
        note += _("标“单位为推定”的任务，方案未写明责任单位，所列单位由转录推定。")
    xlsx.write(ws, r, 1, note, layout.NOTE)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(cols))
    ws.row_dimensions[r].height = layout.row_height([note], [sum(widths)])

    xlsx.set_widths(ws, widths)
    xlsx.freeze(ws, f"{get_column_letter(keys.index('number') + 1)}{FIRST_ROW}")
    xlsx.setup_print(ws, header_rows=(HEADER_ROW, HEADER_ROW))
    ws.print_area = f"A1:{get_column_letter(len(cols))}{max(r, last_table_row)}"
    return wb


def workbook_bytes(report: TaskReport) -> bytes:
    buffer = BytesIO()
    build(report).save(buffer)
    return buffer.getvalue()


def filename(report: TaskReport) -> str:
    return _("%(district)s-%(year)s年重点任务推进情况表.xlsx") % {
        "district": report.district.name, "year": report.year}
