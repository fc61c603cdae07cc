"""The fill-in workbook for figures: building it, and reading an uploaded one.

1. ``build_workbook`` writes a plan's indicator table for a year as one protected sheet
   (填报表, named in the language of the download): the plan's columns (序号, 类别, 指标名称,
   单位, 基础值, the year's target, 序时进度, last year's approved value), then the inputs
   (yellow, unlocked, with data validation), and three hidden, locked columns: the indicator
   number (the key), the figure's year and the version of the figure the workbook was made
   from. A hidden sheet ``meta`` records the district, plan and year, so an upload can be
   matched. Growth indicators ask for their quantity; one whose plan gives no base value gets a
   second row for the base year's quantity; one linked to a quantity indicator asks for nothing.
2. ``read_workbook`` checks an uploaded file (size, zip entries and uncompressed size before
   openpyxl opens it, template, district, plan, year, columns) and parses its rows; any problem
   raises ``WorkbookError`` with messages for the upload form, and nothing is stored. A workbook
   downloaded in one language may be uploaded in the other: the sheet's name and the milestone's
   是/否 are read in every language of the portal.

Storing an upload, its preview and applying it are in indicators/upload_services.py.

Every cell is written through reporting/xlsx.py.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from io import BytesIO

import openpyxl
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.models import Figure
from ipops.numbers import plain_number
from ipops.text import bracketed
from indicators.services import GridRow, grid_rows
from reporting import xlsx
from reporting.choices import ReviewStatus

FORMAT = "ipops.figures"
FORMAT_VERSION = 1
SHEET = gettext_noop("填报表")  # the sheet's name, in the language of the download
META = "meta"
TITLE_ROW, INFO_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4

# Uploads: refused before openpyxl reads them when the zip is larger or has more entries.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ENTRIES = 200
MAX_ROWS = 1000  # data rows read at most
MAX_TEXT = 2000  # as the entry grid's text fields
MAX_ERRORS = 30  # messages shown on the upload form

VALUE_FIELDS = ("value", "numerator", "denominator")
TEXT_FIELDS = ("note", "reason", "remedy", "change_reason")
STORED_FIELDS = ("value", "done", "numerator", "denominator", "note", "reason", "remedy")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    hidden: bool = False


def columns(year: int) -> list[Column]:
    """The sheet's columns, left to right; the headers name the year."""
    return [
        Column("number", _("序号"), 6),
        Column("category", _("类别"), 6),
        Column("name", _("指标名称"), 30),
        Column("unit", _("单位"), 8),
        Column("baseline", _("基础值（年份）"), 12),
        Column("target", _("%(year)s年目标值") % {"year": year}, 11),
        Column("expected", _("序时进度（%(year)s年应达到）") % {"year": year}, 12),
        Column("last", _("%(year)s年审核值") % {"year": year - 1}, 11),
        Column("status", _("当前状态"), 8),
        Column("what", _("填报内容"), 24),
        Column("value", _("本年实际值"), 12),
        Column("numerator", _("分子"), 10),
        Column("denominator", _("分母"), 10),
        Column("done", _("是否完成"), 8),
        Column("note", _("说明"), 16),
        Column("reason", _("滞后原因"), 14),
        Column("remedy", _("整改措施"), 14),
        Column("change_reason", _("修改原因"), 12),
        Column("key", _("指标键"), 8, hidden=True),
        Column("year", _("年份"), 6, hidden=True),
        Column("version", _("版本"), 6, hidden=True),
    ]


def column_index(year: int) -> dict[str, int]:
    return {column.key: i for i, column in enumerate(columns(year), 1)}


def in_every_language(message: str) -> set[str]:
    """``message`` (a msgid) as each language of the portal says it: what an upload accepts,
    whichever language the workbook was downloaded in."""
    words = {message}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.add(_(message))
    return words


def entry_sheet(wb):
    """The fill-in sheet of a workbook, under its name in any language; None without one."""
    return next((wb[name] for name in wb.sheetnames if name in in_every_language(SHEET)), None)


def _rounded(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places), ROUND_HALF_UP)


# 1. The fill-in workbook.

@dataclass
class _Line:
    """One row of the sheet: an indicator's figure for the year, or its base-year quantity."""

    grid: GridRow
    year: int
    figure: Figure | None
    is_base: bool = False

    @property
    def inputs(self) -> set[str]:
        """The input columns this row unlocks."""
        grid = self.grid
        if self.is_base:
            return {"value", "change_reason"}
        if grid.kind == "growth" and grid.linked:
            return set()
        if grid.kind == "milestone":
            fields = {"done"}
        else:
            fields = {"value"} | ({"numerator", "denominator"} if grid.ratio else set())
        return fields | {"note", "reason", "remedy", "change_reason"}


def _lines(rows: list[GridRow], year: int) -> list[_Line]:
    lines = []
    for grid in rows:
        lines.append(_Line(grid, year, grid.figure))
        if grid.base_year:
            lines.append(_Line(grid, grid.base_year, grid.base_figure, is_base=True))
    return lines


def what_to_enter(line: _Line) -> str:
    """The 填报内容 column: what the row asks for, in the plan's words."""
    grid, indicator = line.grid, line.grid.indicator
    if line.is_base:
        text = _("基期（%(year)s年）的基础量：%(name)s%(unit)s，只需填写一次") % {
            "year": line.year, "name": indicator.quantity_name or _("基础量"),
            "unit": bracketed(indicator.quantity_unit) if indicator.quantity_unit else ""}
    elif grid.kind == "growth" and grid.linked:
        return _("无需填写：增长率由序号 %(number)s 的数据计算") % {
            "number": indicator.quantity_indicator.number}
    elif grid.kind == "growth":
        text = _("基础量：%(name)s%(unit)s；增长率由系统计算") % {
            "name": indicator.quantity_name or _("基础量"),
            "unit": bracketed(indicator.quantity_unit) if indicator.quantity_unit else ""}
    elif grid.kind == "milestone":
        text = _("是否完成：选“是”或“否”")
    elif grid.kind == "cumulative":
        text = _("本年新增量（累计值由系统计算）")
    elif grid.kind == "flow":
        text = _("本年发生量")
    else:
        text = _("年末实际值")
    if grid.ratio and not line.is_base:
        text += _("；也可填分子、分母，由系统计算并核对比值")
    if line.figure and line.figure.review_status == ReviewStatus.APPROVED:
        text += _("；已审核，修改须填写修改原因")
    if grid.needs_reason and not line.is_base:
        text += _("；上年滞后，须填写滞后原因和整改措施")
    return text


def _line_values(line: _Line) -> dict:
    grid, indicator, figure = line.grid, line.grid.indicator, line.figure
    baseline = ""
    if indicator.baseline_value is not None:
        baseline = plain_number(indicator.baseline_value)
    if indicator.baseline_year:
        baseline = (baseline or "—") + bracketed(indicator.baseline_year)
    values = {
        "number": indicator.number,
        "category": indicator.category,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": baseline,
        "status": (figure.get_review_status_display() if figure else _("未填报"))
        + (_("（更正）") if figure and figure.corrects_id else ""),
        "what": what_to_enter(line),
        "key": indicator.number,
        "year": line.year,
        "version": figure.version if figure else 0,
    }
    if line.is_base:
        values["name"] = _("%(name)s：基期基础量") % {"name": indicator.name}
        values["unit"] = indicator.quantity_unit
    else:
        if grid.target is not None:
            values["target"] = grid.target.display
        elif grid.progress.target_year:
            final = grid.progress.target_text or plain_number(grid.progress.target)
            values["target"] = _("（终期 %(year)s年 %(target)s）") % {
                "year": grid.progress.target_year, "target": final}
        values["expected"] = _rounded(grid.progress.expected)
        values["last"] = grid.last_value
    if figure is not None:
        inputs = line.inputs
        for name in ("value", "numerator", "denominator", "note", "reason", "remedy"):
            if name in inputs:
                values[name] = getattr(figure, name)
        if "done" in inputs and figure.done is not None:
            values["done"] = _("是") if figure.done else _("否")
        if "change_reason" in inputs and figure.corrects_id:  # a correction's, to keep or reword
            values["change_reason"] = figure.change_reason
    return values


def build_workbook(*, plan, year: int, user=None, rows: list[GridRow] | None = None) -> bytes:
    """The fill-in workbook of ``plan`` for ``year`` as .xlsx bytes."""
    rows = grid_rows(plan=plan, year=year) if rows is None else rows
    cols = columns(year)
    index = column_index(year)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _(SHEET)

    last_letter = get_column_letter(index["change_reason"])
    title = _("%(plan)s · %(year)s年指标实际值填报表") % {"plan": plan.title, "year": year}
    xlsx.write(ws, TITLE_ROW, 1, title, xlsx.TITLE)
    ws.merge_cells(f"A{TITLE_ROW}:{last_letter}{TITLE_ROW}")
    info = _("区域：%(district)s　年度：%(year)s　下载时间：%(when)s　"
             "只填写黄色单元格；灰色行无需填写。填好后在平台“上传 Excel 填报表”处上传，"
             "确认后保存为草稿，再在填报页提交审核。") % {
        "district": plan.district.name, "year": year,
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    xlsx.write(ws, INFO_ROW, 1, info, xlsx.CellStyle(font=xlsx.font(size=9), alignment=xlsx.WRAP))
    ws.merge_cells(f"A{INFO_ROW}:{last_letter}{INFO_ROW}")
    ws.row_dimensions[INFO_ROW].height = 30
    for i, column in enumerate(cols, 1):
        xlsx.write(ws, HEADER_ROW, i, column.header, xlsx.HEADER)
    ws.row_dimensions[HEADER_ROW].height = 32

    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                             allow_blank=True, showErrorMessage=True,
                             errorTitle=_("请填写数字"), error=_("请填写不小于 0 的数字。"))
    yes_no = DataValidation(type="list", formula1='"%s,%s"' % (_("是"), _("否")),
                            allow_blank=True, showErrorMessage=True,
                            errorTitle=_("请选择"), error=_("请选择“是”或“否”。"))
    ws.add_data_validation(numbers)
    ws.add_data_validation(yes_no)

    grey = xlsx.BODY.replace(fill=xlsx.fill("F2F2F2"))
    for r, line in enumerate(_lines(rows, year), FIRST_ROW):
        values = _line_values(line)
        inputs = line.inputs
        base_style = grey if not inputs else xlsx.BODY
        ws.row_dimensions[r].height = xlsx.text_height(
            [values.get(c.key) for c in cols], [0 if c.hidden else c.width for c in cols])
        for c, column in enumerate(cols, 1):
            key = column.key
            if key in inputs:
                style = xlsx.INPUT
            elif key in ("expected", "last", "value", "numerator", "denominator", "year",
                         "version"):
                style = base_style.replace(alignment=xlsx.NUMBER.alignment)
            else:
                style = base_style
            if key in ("number", "key", "target", "note", "reason", "remedy", "change_reason"):
                style = style.replace(number_format="@")
            cell = xlsx.write(ws, r, c, values.get(key), style)
            if key in inputs and key in VALUE_FIELDS:
                numbers.add(cell)
            elif key in inputs and key == "done":
                yes_no.add(cell)

    for column in cols:
        letter = get_column_letter(cols.index(column) + 1)
        ws.column_dimensions[letter].width = column.width
        ws.column_dimensions[letter].hidden = column.hidden
    xlsx.freeze(ws, f"D{FIRST_ROW}")
    xlsx.setup_print(ws, header_rows=(HEADER_ROW, HEADER_ROW))
    ws.print_area = f"A1:{last_letter}{max(FIRST_ROW, ws.max_row)}"
    # Locked cells stay locked; columns and rows may still be resized. No password: the
    # protection guards against slips, the upload checks everything again.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    meta = wb.create_sheet(META)
    for r, (key, value) in enumerate([
        ("format", FORMAT), ("format_version", FORMAT_VERSION),
        ("district", plan.district.code), ("district_name", plan.district.name),
        ("plan_id", plan.pk), ("plan_title", plan.title), ("year", year),
        ("columns", ",".join(c.key for c in cols)), ("first_row", FIRST_ROW),
        ("created_at", timezone.localtime().isoformat(timespec="seconds")),
        ("created_by", user.get_username() if user is not None else ""),
    ], 1):
        xlsx.write(meta, r, 1, key)
        xlsx.write(meta, r, 2, value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0

    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook_filename(plan, year: int) -> str:
    return _("%(district)s-%(year)s年指标填报表.xlsx") % {"district": plan.district.name,
                                                      "year": year}


# 2. Reading an upload.

class WorkbookError(Exception):
    """The upload was refused; ``messages`` say why, in the user's language."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class ParsedWorkbook:
    rows: list[dict]
    versions: dict[str, int]


def _mb(size: int) -> str:
    return format(Decimal(size) / 1048576, ".1f")


def check_archive(upload) -> None:
    """Size, zip structure, entry count and uncompressed size, before any XML is parsed."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise WorkbookError([_("文件过大（%(size)s MB），上传的填报表不能超过 %(limit)s MB。")
                             % {"size": _mb(upload.size), "limit": _mb(limit)}])
    not_excel = _("该文件不是有效的 Excel 文件（.xlsx）。请上传从平台下载、用 Excel 或 WPS 保存的填报表。")
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise WorkbookError([not_excel])
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookError([not_excel])
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
        raise WorkbookError([_("该文件解压后过大或包含的部件过多，不像是平台的填报表，已拒绝读取。")])
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookError([not_excel])
    upload.seek(0)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(value, *, exact: bool) -> Decimal:
    """A cell's number, with at most 4 decimals as in the grid. A number cell's binary noise
    (0.30000000000000004) is rounded away; a 5th decimal that was typed is refused."""
    if isinstance(value, bool) or isinstance(value, (datetime, date, time)):
        raise ValueError
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        exact = False
    else:
        text = str(value).strip()
        if not text or "," in text or "，" in text:
            raise ValueError
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError
    if not number.is_finite():
        raise ValueError
    if number.as_tuple().exponent < -4:
        rounded = number.quantize(Decimal("0.0001"), ROUND_HALF_UP)
        if exact or abs(number - rounded) > abs(number) * Decimal("1e-12"):
            raise OverflowError(_("最多 4 位小数"))
        number = rounded
    if abs(number) >= Decimal(10) ** 12:
        raise OverflowError(_("数值过大"))
    return number


def _meta(wb) -> dict[str, str]:
    meta = {}
    for row in wb[META].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
        if row and row[0] is not None:
            meta[_text(row[0])] = _text(row[1] if len(row) > 1 else None)
    return meta


def _check_meta(meta: dict, *, district, plan, year: int) -> None:
    if meta.get("format") != FORMAT:
        raise WorkbookError([_("该文件不是本平台下载的填报表。请先下载填报表，填写后再上传。")])
    if meta.get("district") != district.code:
        raise WorkbookError([_("该填报表属于“%(other)s”，不是%(district)s的填报表，未导入。")
                             % {"other": meta.get("district_name") or meta.get("district"),
                                "district": district.name}])
    if meta.get("plan_id") != str(plan.pk):
        raise WorkbookError([_("该填报表属于另一方案（%(other)s），请在该方案的填报页上传。")
                             % {"other": meta.get("plan_title") or meta.get("plan_id")}])
    if meta.get("year") != str(year):
        raise WorkbookError([_("该填报表是 %(other)s 年的，当前上传的是 %(year)s 年的填报表，未导入。")
                             % {"other": meta.get("year"), "year": year}])


def read_workbook(upload, *, district, plan, year: int, rows: list[GridRow]) -> ParsedWorkbook:
    """Check and parse an uploaded fill-in workbook; raises ``WorkbookError`` on any problem."""
    check_archive(upload)
    try:
        wb = openpyxl.load_workbook(upload, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError([_("无法读取该 Excel 文件，文件可能已损坏。请重新下载填报表后填写。")])
    try:
        ws = entry_sheet(wb)
        if META not in wb.sheetnames or ws is None:
            raise WorkbookError([_("该文件不是本平台下载的填报表。请先下载填报表，填写后再上传。")])
        meta = _meta(wb)
        _check_meta(meta, district=district, plan=plan, year=year)
        if meta.get("columns") != ",".join(c.key for c in columns(year)):
            raise WorkbookError([_("该填报表的格式已过期，请重新下载填报表后填写。")])
        ws.reset_dimensions()
        return _read_rows(ws, year=year, rows=rows)
    except WorkbookError:
        raise
    except Exception:  # a sheet's XML broken in a way openpyxl only notices while reading
        raise WorkbookError([_("无法读取该 Excel 文件，文件可能已损坏。请重新下载填报表后填写。")])
    finally:
        wb.close()


def _read_rows(ws, *, year: int, rows: list[GridRow]) -> ParsedWorkbook:
    cols = columns(year)
    index = column_index(year)

    by_number = {g.indicator.number: g for g in rows}
    # 是/否 as the download wrote them (in its language) or as a user typed them
    yes = {word.casefold() for word in in_every_language("是") | {"已完成", "完成"}}
    no = {word.casefold() for word in in_every_language("否") | {"未完成"}}
    errors: list[str] = []
    parsed: list[dict] = []
    versions: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()
    last_row = FIRST_ROW + MAX_ROWS - 1
    for r, cells in enumerate(ws.iter_rows(min_row=FIRST_ROW, max_row=last_row,
                                           max_col=len(cols)), FIRST_ROW):
        cells = list(cells) + [None] * (len(cols) - len(cells))

        def cell(key):
            return cells[index[key] - 1]

        def value(key):
            c = cell(key)
            return None if c is None else c.value

        key = _text(value("key"))
        if not key:
            if any(_text(value(k)) for k in ("value", "numerator", "denominator", "done",
                                             "note", "reason", "remedy", "change_reason")):
                errors.append(_("第 %(row)s 行：没有指标键，无法对应指标（请勿在表中插入行或复制行）。")
                              % {"row": r})
            continue
        where = _("第 %(row)s 行（序号 %(number)s）") % {"row": r, "number": key}
        grid = by_number.get(key)
        if grid is None:
            errors.append(_("%(where)s：该指标不属于本方案。") % {"where": where})
            continue
        try:
            row_year = int(_decimal(value("year"), exact=True))
            version = int(_decimal(value("version"), exact=True))
            if version < 0:
                raise ValueError
        except (ValueError, OverflowError, TypeError):
            errors.append(_("%(where)s：隐藏的年份或版本列被修改，请重新下载填报表。") % {"where": where})
            continue
        is_base = row_year != year
        if is_base and row_year != grid.base_year:
            errors.append(_("%(where)s：不能在本表中填报 %(year)s 年的数据。")
                          % {"where": where, "year": row_year})
            continue
        if (grid.indicator.pk, row_year) in seen:
            errors.append(_("%(where)s：该指标重复出现。") % {"where": where})
            continue
        seen.add((grid.indicator.pk, row_year))
        line = _Line(grid, row_year, None, is_base=is_base)
        inputs = line.inputs
        if not inputs:
            continue  # a linked growth indicator: nothing to read
        fields, row_errors = {}, []
        labels = {c.key: c.header for c in cols}
        for name in inputs:
            c = cell(name)
            raw = None if c is None else c.value
            if c is not None and getattr(c, "data_type", None) == "f":
                row_errors.append(_("%(where)s %(column)s：请直接填写内容，不要使用公式。")
                                  % {"where": where, "column": labels[name]})
                continue
            if name in VALUE_FIELDS:
                if raw is None or _text(raw) == "":
                    fields[name] = None
                    continue
                try:
                    fields[name] = str(_decimal(raw, exact=True))
                except OverflowError as exc:
                    row_errors.append(_("%(where)s %(column)s：“%(value)s”%(problem)s。") % {
                        "where": where, "column": labels[name], "value": _text(raw),
                        "problem": exc.args[0]})
                except ValueError:
                    row_errors.append(_("%(where)s %(column)s：“%(value)s”不是有效的数字"
                                        "（只填数字，不要带逗号、单位或文字）。") % {
                        "where": where, "column": labels[name], "value": _text(raw)[:40]})
            elif name == "done":
                text = _text(raw)
                if raw is True or text.casefold() in yes:
                    fields[name] = True
                elif raw is False or text.casefold() in no:
                    fields[name] = False
                elif text == "":
                    fields[name] = None
                else:
                    row_errors.append(_("%(where)s 是否完成：请填“是”或“否”，不能填“%(value)s”。")
                                      % {"where": where, "value": text[:40]})
            else:
                text = _text(raw)
                if len(text) > MAX_TEXT:
                    row_errors.append(_("%(where)s %(column)s：不能超过 %(max)s 个字。")
                                      % {"where": where, "column": labels[name], "max": MAX_TEXT})
                fields[name] = text
        errors.extend(row_errors)
        versions[f"{grid.indicator.pk}:{row_year}"] = version
        parsed.append({"row": r, "indicator": grid.indicator.pk, "number": key,
                       "year": row_year, "fields": fields})
    if len(errors) > MAX_ERRORS:
        errors = errors[:MAX_ERRORS] + [_("……另有 %(n)s 处问题未列出。") % {
            "n": len(errors) - MAX_ERRORS}]
    if errors:
        raise WorkbookError(errors)
    if not parsed:
        raise WorkbookError([_("填报表中没有找到任何指标行。请重新下载填报表后填写。")])
    return ParsedWorkbook(parsed, versions)


# 3. The upload: store, preview, apply, discard.
