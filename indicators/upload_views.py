"""The Excel round trip for figures: download the fill-in workbook, upload it, preview, confirm.

Nothing is kept between requests but the ``FigureUpload`` row: the preview and the
confirmation read it back from the database.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import district_or_403
from indicators.services import FigureSaveError
from indicators.uploads import FigureUpload
from indicators.upload_services import (
    upload_apply, upload_create, upload_discard, upload_preview,
)
from indicators.workbooks import WorkbookError, build_workbook, workbook_filename
from plans.models import Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("填好的填报表（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}),
    )


def _plan_year(district, plan_id: int, year: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("district"), pk=plan_id,
                             district=district)
    if not plan.start_year <= year <= plan.end_year:
        raise Http404(_("%(year)s 年不在该方案的规划期内") % {"year": year})
    return plan


@require_GET
def entry_workbook(request, code, plan_id, year):
    """The plan's fill-in workbook for the year, with the current values filled in."""
    district = district_or_403(request, code, "indicators.enter_figures")
    plan = _plan_year(district, plan_id, year)
    content = build_workbook(plan=plan, year=year, user=request.user)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=workbook_filename(plan, year))
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def entry_upload(request, code, plan_id, year):
    """Upload a filled-in workbook: a good one is kept to preview, a bad one changes nothing."""
    district = district_or_403(request, code, "indicators.enter_figures")
    plan = _plan_year(district, plan_id, year)
    form = (WorkbookUploadForm(request.POST, request.FILES) if request.method == "POST"
            else WorkbookUploadForm())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                upload = upload_create(upload_file=form.cleaned_data["file"], district=district,
                                       plan=plan, year=year, user=request.user)
            except WorkbookError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                return redirect("indicators:entry_upload_confirm", pk=upload.pk)
        status = 400
    return render(request, "indicators/upload_form.html", {
        "district": district, "plan": plan, "year": year, "form": form,
        "max_mb": format(settings.UPLOAD_MAX_BYTES / 1048576, "g"),
    }, status=status)


def _upload_or_403(request, pk) -> FigureUpload:
    """The uploader, or a coordinator or admin of its district, may see and decide an upload."""
    upload = get_object_or_404(
        FigureUpload.objects.select_related("district", "plan", "uploaded_by"), pk=pk)
    user = request.user
    own = (upload.uploaded_by_id == user.pk
           and user.has_perm("indicators.enter_figures", upload.district))
    if not own and not user.has_perm("reporting.approve", upload.district):
        raise PermissionDenied("figure upload")
    return upload


@require_http_methods(["GET", "POST"])
def entry_upload_confirm(request, pk):
    """The preview of an upload (current → new, errors, warnings); POST confirms or discards."""
    upload = _upload_or_403(request, pk)
    grid_url = reverse("indicators:entry_grid", args=[upload.district.code, upload.plan_id,
                                                        upload.year])
    save_errors, save_warnings = {}, {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if not upload.is_pending:
            messages.error(request, _("该上传已处理过，不能再次操作。"))
            return redirect("indicators:entry_upload_confirm", pk=upload.pk)
        if action == "discard":
            upload_discard(upload=upload, user=request.user)
            messages.success(request, _("已放弃本次上传，未导入任何数据。"))
            return redirect(grid_url)
        if action == "confirm":
            try:
                preview = upload_apply(upload=upload, user=request.user)
            except FigureSaveError as exc:
                save_errors, save_warnings = exc.errors, exc.warnings
                status = 400
                messages.error(request, _("导入未完成：有数据未通过检查或已被他人修改，未保存任何数据。"))
            else:
                messages.success(request, _("已导入 %(n)s 项，保存为草稿；请在填报页核对后提交审核。")
                                 % {"n": len(preview.changed)})
                return redirect(grid_url)
        else:
            status = 400
    preview = upload_preview(upload)
    general = []
    for key, fields in save_errors.items():
        matched = [row for row in preview.rows if row.indicator.pk == key and row.changed]
        texts = [m for msgs in fields.values() for m in msgs]
        for row in matched:
            row.errors.extend(m for m in texts if m not in row.errors)
        if not matched:
            general.extend(texts)
    for key, texts in save_warnings.items():
        for row in preview.rows:
            if row.indicator.pk == key and row.changed:
                row.warnings.extend(m for m in texts if m not in row.warnings)
    return render(request, "indicators/upload_preview.html", {
        "upload": upload, "preview": preview, "district": upload.district, "plan": upload.plan,
        "year": upload.year, "grid_url": grid_url, "general_errors": general,
    }, status=status)
