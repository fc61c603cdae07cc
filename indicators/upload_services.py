"""Writes for the Excel round trip: keep an upload, preview it, apply it (all or nothing).

``upload_create`` stores the parsed rows of a fill-in workbook (indicators/workbooks.py) as a
``FigureUpload``; ``upload_preview`` compares them with the figures as they are now (current →
new, errors and warnings from the entry checks, conflicts with saves made since the download);
``upload_apply`` saves every changed row through ``figures_save`` (all or nothing), and
``upload_discard`` drops the upload.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Figure
from indicators.services import FigureRow, FigureSaveError, GridRow, figures_save, grid_rows
from indicators.services import figure_row_check as check_row
from indicators.uploads import FigureUpload, UploadStatus
from indicators.workbooks import STORED_FIELDS, VALUE_FIELDS, read_workbook
from ipops.numbers import shown_value
from reporting.choices import ReviewStatus
from reporting.services import EXPLANATION, same_as_approved


def upload_create(*, upload_file, district, plan, year: int, user) -> FigureUpload:
    """Read ``upload_file`` and keep its rows for the preview; raises ``WorkbookError``."""
    rows = grid_rows(plan=plan, year=year)
    parsed = read_workbook(upload_file, district=district, plan=plan, year=year, rows=rows)
    return FigureUpload.objects.create(
        district=district, plan=plan, year=year, uploaded_by=user,
        file_name=(getattr(upload_file, "name", "") or "")[:255],
        rows=parsed.rows, versions=parsed.versions,
    )


FIELD_LABELS = {
    "value": gettext_lazy("实际值"), "done": gettext_lazy("是否完成"),
    "numerator": gettext_lazy("分子"), "denominator": gettext_lazy("分母"),
    "note": gettext_lazy("说明"), "reason": gettext_lazy("滞后原因"),
    "remedy": gettext_lazy("整改措施"), "change_reason": gettext_lazy("修改原因"),
}


def shown(value) -> str:
    """A stored or uploaded value as the preview shows it."""
    text = shown_value(value)
    return text if len(text) <= 80 else text[:80] + "…"


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object

    @property
    def old_shown(self) -> str:
        return shown(self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.new)


@dataclass
class PreviewRow:
    """One workbook row compared with the figure as stored now."""

    grid: GridRow
    year: int
    is_base: bool
    excel_row: int
    figure: Figure | None
    figure_row: FigureRow
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What saving the row does to an approved figure or its correction (``_what``), else "".
    what: str = ""

    @property
    def indicator(self):
        return self.grid.indicator

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def blocked(self) -> bool:
        return bool(self.errors or self.warnings)


@dataclass
class Preview:
    upload: FigureUpload
    rows: list[PreviewRow]
    grid: list[GridRow]
    message: str = ""

    @property
    def changed(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.changed]

    @property
    def unchanged_count(self) -> int:
        return len(self.rows) - len(self.changed)

    @property
    def blocked(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.blocked]

    @property
    def can_confirm(self) -> bool:
        return self.upload.is_pending and bool(self.changed) and not self.blocked


def _parse_value(name: str, raw):
    if name in VALUE_FIELDS:
        return None if raw is None else Decimal(raw)
    return raw


def _figure_row(item: dict, grid: GridRow, figure: Figure | None, version: int,
                upload_year: int) -> FigureRow:
    """What the row asks to store: the workbook's fields over the figure as stored now."""
    current = {name: getattr(figure, name) if figure else None for name in STORED_FIELDS}
    for name in ("note", "reason", "remedy"):
        current[name] = current[name] or ""
    fields = {name: _parse_value(name, raw) for name, raw in item["fields"].items()}
    wanted = {**current, **{k: v for k, v in fields.items() if k in STORED_FIELDS}}
    return FigureRow(
        indicator=grid.indicator, version=version,
        value=wanted["value"], done=wanted["done"], numerator=wanted["numerator"],
        denominator=wanted["denominator"], note=wanted["note"], reason=wanted["reason"],
        remedy=wanted["remedy"], change_reason=fields.get("change_reason", "") or "",
        evidence_link=figure.evidence_link if figure else "",
        year=item["year"] if item["year"] != upload_year else None,
    )


def _changes(row: FigureRow, figure: Figure | None, stored_value, grid: GridRow) -> list[Change]:
    wanted = {"value": stored_value, "done": row.done, "numerator": row.numerator,
              "denominator": row.denominator, "note": row.note.strip(),
              "reason": row.reason.strip(), "remedy": row.remedy.strip()}
    changes = []
    for name in STORED_FIELDS:
        old = getattr(figure, name) if figure else None
        if name in ("note", "reason", "remedy"):
            old = old or ""
        new = wanted[name]
        if old != new and not (old in (None, "") and new in (None, "")):
            label = FIELD_LABELS[name]
            if name == "value" and grid.kind == "growth" and row.indicator.quantity_name:
                label = row.indicator.quantity_name
            changes.append(Change(name, str(label), old, new))
    if (figure is not None and figure.corrects_id
            and row.change_reason.strip() != figure.change_reason):
        changes.append(Change("change_reason", str(FIELD_LABELS["change_reason"]),
                              figure.change_reason, row.change_reason.strip()))  # a correction's
    return changes


def _what(figure: Figure | None, changes: list[Change]) -> str:
    """What importing a changed row does when the figure was approved: the reporter should not
    learn from the review queue that a cell they retyped made a correction."""
    if figure is None or not changes:
        return ""
    if figure.review_status == ReviewStatus.APPROVED:
        if {c.field for c in changes} <= EXPLANATION:
            return _("说明滞后原因和整改措施：写在已审核的数据上，无需重新审核。")
        return _("提出更正：须重新提交审核；审核通过前，看板和报表仍按已审核值 %(value)s。") % {
            "value": _shown(figure)}
    if figure.corrects_id:
        after = copy.copy(figure)
        for change in changes:
            if change.field in STORED_FIELDS:
                setattr(after, change.field, change.new)
        if same_as_approved(after):
            return _("撤销更正：数据恢复为已审核值 %(value)s，更正不再送审。") % {
                "value": _shown(figure.corrects)}
        return _("修改更正：审核通过前，看板和报表仍按已审核值 %(value)s。") % {
            "value": _shown(figure.corrects)}
    return ""


def _version_conflict(figure: Figure | None, version: int) -> str:
    if figure is None and version == 0 or figure is not None and figure.version == version:
        return ""
    if figure is None:
        return _("此项在您下载填报表后已被删除，请重新下载填报表。")
    who = figure.updated_by.get_username() if figure.updated_by_id else _("他人")
    when = timezone.localtime(figure.updated_at).strftime("%Y-%m-%d %H:%M")
    return _("此项在您下载填报表后已被 %(who)s 于 %(when)s 修改（现为 %(value)s），"
             "您的修改不能导入。请重新下载填报表后再填。") % {
        "who": who, "when": when, "value": _shown(figure)}


def _shown(figure: Figure) -> str:
    if figure.done is not None and figure.value is None:
        return shown(figure.done)
    return shown(figure.value)


def upload_preview(upload: FigureUpload, *, rows: list[GridRow] | None = None) -> Preview:
    """The upload's rows against the figures as stored now; constant queries at any size."""
    rows = grid_rows(plan=upload.plan, year=upload.year) if rows is None else rows
    by_id = {g.indicator.pk: g for g in rows}
    result = []
    for item in upload.rows:
        grid = by_id.get(item["indicator"])
        if grid is None:
            continue  # the indicator was removed from the plan since
        is_base = item["year"] != upload.year
        if is_base and item["year"] != grid.base_year:
            continue
        figure = grid.base_figure if is_base else grid.figure
        version = upload.version_for(grid.indicator.pk, item["year"])
        figure_row = _figure_row(item, grid, figure, version, upload.year)
        check = check_row(figure_row, grid, upload.year)
        stored_value = check.value if check.value is not None else figure_row.value
        # A row that was empty when downloaded (version 0) and is still empty was not touched,
        # even if a colleague has filled it in since.
        untouched = version == 0 and all(v in (None, "") for v in item["fields"].values())
        preview = PreviewRow(grid=grid, year=item["year"], is_base=is_base,
                             excel_row=item["row"], figure=figure, figure_row=figure_row,
                             changes=[] if untouched else _changes(figure_row, figure,
                                                                  stored_value, grid))
        if preview.changed:
            preview.what = _what(figure, preview.changes)
            preview.errors = [m for messages in check.errors.values() for m in messages]
            preview.warnings = list(check.warnings)
            conflict = _version_conflict(figure, version)
            if conflict:
                preview.errors.insert(0, conflict)
            elif (figure is not None and figure.review_status == ReviewStatus.APPROVED
                  and not figure_row.change_reason.strip()
                  and not {c.field for c in preview.changes} <= EXPLANATION):
                preview.errors.append(_("此项已审核锁定；更正须在“修改原因”列写明原因，并重新提交审核。"))
        result.append(preview)
    return Preview(upload=upload, rows=result, grid=rows)


def upload_apply(*, upload: FigureUpload, user) -> Preview:
    """Save every changed row of a pending upload, all or nothing.

    Returns the preview; raises ``FigureSaveError`` (nothing saved, the upload stays pending)
    when a row fails the entry checks or was changed by someone else since the download.
    """
    with transaction.atomic():
        upload = FigureUpload.objects.select_for_update(of=("self",)).select_related(
            "district", "plan", "uploaded_by").get(pk=upload.pk)
        preview = upload_preview(upload)
        if not upload.is_pending:
            raise FigureSaveError({None: {"upload": [_("该上传已处理过，不能再次导入。")]}})
        changed = preview.changed
        if not changed:
            raise FigureSaveError({None: {"upload": [_("文件中没有与当前数据不同的内容，无需导入。")]}})
        figures_save(plan=upload.plan, year=upload.year, rows=[r.figure_row for r in changed],
                     user=user, grid=preview.grid)
        upload.status = UploadStatus.APPLIED
        upload.decided_by, upload.decided_at = user, timezone.now()
        upload.save(update_fields=["status", "decided_by", "decided_at"])
    return preview


def upload_discard(*, upload: FigureUpload, user) -> bool:
    """Drop a pending upload (nothing was written from it); False if it was no longer pending."""
    with transaction.atomic():
        updated = FigureUpload.objects.filter(pk=upload.pk, status=UploadStatus.PENDING).update(
            status=UploadStatus.DISCARDED, decided_by=user, decided_at=timezone.now())
    upload.refresh_from_db()
    return bool(updated)
