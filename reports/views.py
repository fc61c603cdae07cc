"""Downloads of the assessment workbooks, for the year and filters in force on the page that
links to them. Rights are those of the pages: ``plans.view_district`` on the district; the
summary covers the districts the user may view (403 for a user who may view none)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.access import district_or_403
from accounts.selectors import visible_districts
from dashboards.selectors import judged_year, last_end_year
from ipops.years import YEARS
from plans.models import Unit
from reports import indicators, selectors, summary, tasks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(request, name: str) -> int | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404(_("参数 %(name)s 无效。") % {"name": name})


def _year(request, plan=None) -> int:
    year = _number(request, "year")
    if year is None:
        return selectors.default_year(plan)
    if year not in YEARS:
        raise Http404(_("年度无效。"))
    return year


def _workbook(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                 filename=filename)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def indicators_report(request, code: str):
    """指标完成情况表 of a plan (``plan``, else the plan in force) for ``year``, with the
    dashboard's filters ``category``, ``attribute``, ``kind``, ``status`` and ``q``."""
    district = district_or_403(request, code, "plans.view_district")
    plan_id = _number(request, "plan")
    year = _number(request, "year")
    plan = selectors.plan_for(district, year or selectors.default_year(), plan_id)
    if plan is None:
        raise Http404(_("该区域没有这一方案。"))
    year = judged_year(_year(request, plan), plan.end_year)  # after its end: its last year
    report = selectors.indicator_report(
        district=district, plan=plan, year=year,
        filters=selectors.IndicatorFilters.from_query(request.GET))
    return _workbook(indicators.workbook_bytes(report), indicators.filename(report))


@require_safe
def tasks_report(request, code: str):
    """任务推进情况表 of the district for ``year``, filtered by ``plan``, ``unit`` (leading or
    supporting) and ``status`` (a progress status, or ``none`` for rows not reported)."""
    district = district_or_403(request, code, "plans.view_district")
    plan = None
    plan_id = _number(request, "plan")
    if plan_id is not None:
        plan = selectors.plan_for(district, 0, plan_id)
        if plan is None:
            raise Http404(_("该区域没有这一方案。"))
    unit = None
    unit_id = _number(request, "unit")
    if unit_id is not None:
        unit = Unit.objects.filter(district=district, pk=unit_id).first()
        if unit is None:
            raise Http404(_("该区域没有这一单位。"))
    status = (request.GET.get("status") or "").strip()
    if status not in {str(s) for s in selectors.TASK_STATUSES}:
        status = ""
    year = judged_year(_year(request, plan),
                       plan.end_year if plan else last_end_year(district))
    report = selectors.task_report(district=district, year=year, plan=plan, unit=unit,
                                   status=status)
    return _workbook(tasks.workbook_bytes(report), tasks.filename(report))


@require_safe
def summary_report(request):
    """The leaders' summary of ``year`` across the districts the user may view."""
    districts = visible_districts(request.user)
    if not districts.exists():
        raise PermissionDenied("plans.view_district")
    report = selectors.summary_report(districts=districts, year=_year(request))
    return _workbook(summary.workbook_bytes(report), summary.filename(report))
