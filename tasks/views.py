"""Task progress pages: the district's list, the lead unit's entry, supporting units'
contributions and an entry's history. Rights are checked on the server for every request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import district_or_403, require_perm
from accounts.selectors import user_unit, user_unit_id, visible_districts
from reporting.choices import ReviewStatus
from reporting.history import merged_into
from reporting.models import ReportingRound
from reporting.services import EntryError
from tasks import selectors
from tasks.choices import ProgressStatus, Quarter
from tasks.forms import ContributionForm, ProgressFilterSet, ProgressForm
from tasks.models import Task, TaskContribution, TaskProgress
from tasks.services import contribution_save, progress_save


def _default_year(first: int | None, last: int | None, open_year: int | None) -> int:
    """The year of the open reporting round, else this year, kept inside the plans' years."""
    year = open_year or timezone.localdate().year
    if first is None:
        return year
    return min(max(year, first), last)


def _task_or_404(task_id: int) -> Task:
    try:
        return selectors.entry_task(task_id)
    except Task.DoesNotExist:
        raise Http404(_("没有这项任务。"))


def _check_period(task: Task, year: int) -> None:
    """Only task rows (no sub-items), only the years of the task's plan."""
    if not task.plan.start_year <= year <= task.plan.end_year:
        raise Http404(_("该年度不在方案期内。"))
    if not selectors.task_is_row(task):
        raise Http404(_("该任务下设子项，请在子项中填报。"))


def _quarter(request) -> int:
    raw = request.GET.get("quarter", "0")
    try:
        quarter = int(raw)
    except ValueError:
        raise Http404(_("季度无效。"))
    if quarter not in Quarter.values:
        raise Http404(_("季度无效。"))
    return quarter


def progress_home(request):
    """The menu's entry: straight to the user's district for this year, or a district choice."""
    districts = list(
        visible_districts(request.user)
        .annotate(first=Min("plans__start_year"), last=Max("plans__end_year"))
        .filter(first__isnull=False)
        .order_by("city", "code")
    )
    open_year = (ReportingRound.objects.filter(is_open=True).order_by("-year")
                 .values_list("year", flat=True).first())
    for district in districts:
        district.year = _default_year(district.first, district.last, open_year)
    if len(districts) == 1:
        only = districts[0]
        return redirect("tasks:progress_list", code=only.code, year=only.year)
    return render(request, "tasks/progress_home.html", {"districts": districts})


def progress_list(request, code: str, year: int):
    """A district's task rows for a year with their latest progress; a reporter sees the rows
    their unit leads and, apart, those it supports."""
    district = district_or_403(request, code, "plans.view_district")
    user = request.user
    unit_id = user_unit_id(user)
    span = district.plans.aggregate(first=Min("start_year"), last=Max("end_year"))

    # Those who report or review see the entries being worked on; those who only read (leaders,
    # assessors) see what was approved, as on every dashboard.
    working = user.has_perm("indicators.enter_figures", district)
    rows = selectors.task_rows(district=district, year=year, working=working)
    if unit_id:
        rows = selectors.unit_rows(rows, unit_id)
    filterset = ProgressFilterSet(request.GET or None, queryset=rows, district=district,
                                  with_unit=not unit_id)
    deadline = selectors.round_deadline(year)
    today = timezone.localdate()
    rows = selectors.progress_rows(filterset.qs, year=year, deadline=deadline, today=today,
                                   working=working)
    for row in rows:
        row.can_report = user.has_perm("tasks.report_progress", row)
        row.can_contribute = user.has_perm("tasks.contribute", row)

    if unit_id:
        sections = [
            {"title": _("本单位牵头的任务"), "rows": [r for r in rows if r.lead_unit_id == unit_id],
             "empty": _("本单位在本年度没有牵头的任务。")},
            {"title": _("本单位配合的任务"), "rows": [r for r in rows if r.lead_unit_id != unit_id],
             "empty": _("本单位在本年度没有配合的任务。"), "supporting": True},
        ]
    else:
        sections = [{"title": _("全部任务"), "rows": rows, "empty": _("没有符合条件的任务。")}]

    years = []
    if span["first"] is not None:
        years = list(range(span["first"], span["last"] + 1))
    return render(request, "tasks/progress_list.html", {
        "district": district,
        "year": year,
        "years": years,
        "in_period": year in years,
        "unit": user_unit(user) if unit_id else None,
        "filter": filterset,
        "sections": sections,
        "summary": _summary(rows),
        "deadline": deadline,
        "deadline_passed": bool(deadline and today > deadline),
        "plan_count": len({row.plan_id for row in rows}),
        "can_approve": user.has_perm("reporting.approve", district),
    })


def _summary(rows) -> list[dict]:
    """Counts by progress status (of the latest entry), then not reported, returned, overdue."""
    counts = {value: 0 for value in ProgressStatus.values}
    none = returned = overdue = 0
    for row in rows:
        if row.latest is None:
            none += 1
        else:
            counts[row.latest.status] += 1
            returned += row.latest.review_status == ReviewStatus.RETURNED
        overdue += row.overdue
    summary = [{"key": value, "label": ProgressStatus(value).label, "count": counts[value]}
               for value in ProgressStatus.values]
    summary.append({"key": "none", "label": _("未填报"), "count": none})
    summary.append({"key": "returned", "label": _("已退回"), "count": returned})
    if overdue:
        summary.append({"key": "overdue", "label": _("逾期未报"), "count": overdue})
    return summary


@require_http_methods(["GET", "POST"])
def progress_entry(request, task_id: int, year: int):
    """The lead unit's entry for a period of a task: save as draft or submit."""
    task = _task_or_404(task_id)
    require_perm(request, "tasks.report_progress", task)
    quarter = _quarter(request)
    _check_period(task, year)

    entries = selectors.year_entries(task, year)
    entry = entries.get(quarter)
    previous = selectors.previous_entry(task, year, quarter)
    previous_delayed = previous is not None and previous.status == ProgressStatus.DELAYED
    conflict = False

    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        form = ProgressForm(request.POST, request.FILES, entry=entry,
                            previous_delayed=previous_delayed, submitting=submitting)
        # Someone saved since this user loaded the page: show what is stored now, even before
        # the form is valid (the save itself is refused by the service).
        conflict = request.POST.get("version") != str(entry.version if entry else 0)
        if form.is_valid():
            try:
                saved = progress_save(
                    task=task, year=year, quarter=quarter, version=form.cleaned_data["version"],
                    values=form.entry_values(), user=request.user, submit=submitting,
                    change_reason=form.cleaned_data.get("change_reason", ""),
                )
            except EntryError as error:
                for key, message in error.errors.items():
                    if key in error.needs_reason and "change_reason" in form.fields:
                        form.add_error("change_reason", message)  # said beside 修改原因
                    else:
                        form.add_error(None, message)
                        conflict = True
                entry = selectors.year_entries(task, year).get(quarter)
            else:
                messages.success(request, _saved_message(saved, submitting))
                return redirect(_entry_url(task.pk, year, quarter))
    else:
        form = ProgressForm(entry=entry, previous_delayed=previous_delayed)

    correcting = request.method == "POST" or request.GET.get("correct") == "1"
    locked = entry is not None and entry.review_status == ReviewStatus.APPROVED
    return render(request, "tasks/progress_entry.html", {
        "task": task,
        "district": task.plan.district,
        "headings": selectors.task_headings(task),
        "year": year,
        "quarter": quarter,
        "quarter_label": Quarter(quarter).label,
        "periods": _periods(task.pk, year, quarter, entries),
        "entry": entry,
        "previous": previous,
        "previous_delayed": previous_delayed,
        "form": form,
        "show_form": not locked or correcting,
        "locked": locked,
        "conflict": conflict,
        "contributions": selectors.task_contributions(task, year),
        "deadline": selectors.round_deadline(year),
    })


def _entry_url(task_id: int, year: int, quarter: int) -> str:
    url = reverse("tasks:progress_entry", kwargs={"task_id": task_id, "year": year})
    return f"{url}?quarter={quarter}" if quarter else url


def _periods(task_id: int, year: int, current: int, entries: dict) -> list[dict]:
    return [
        {"quarter": q.value, "label": q.label, "url": _entry_url(task_id, year, q.value),
         "entry": entries.get(q.value), "current": q.value == current}
        for q in Quarter
    ]


def _saved_message(saved, submitting: bool) -> str:
    if submitting:
        if saved.submitted:
            return _("已提交审核。")
        if saved.entry.review_status == ReviewStatus.SUBMITTED:
            return _("此项已提交，正在等待审核。")
    if saved.changed and saved.entry.review_status == ReviewStatus.APPROVED:
        return _("已保存。已审核的进展不变。")  # a correction withdrawn, or a reason given
    if saved.changed:
        return _("已保存为草稿，尚未提交审核。")
    return _("内容没有变化，未保存新版本。")


def progress_detail(request, pk: int):
    """One progress entry with every saved version and what changed between them."""
    try:
        entry = selectors.detail_entry(pk)
    except TaskProgress.DoesNotExist:  # an approved correction lives on in the entry it corrected
        merged = merged_into(TaskProgress, pk)
        if merged is None:
            raise Http404(_("没有这条进展记录。"))
        return redirect("tasks:progress_detail", pk=merged)
    task = entry.task
    district = task.plan.district
    require_perm(request, "plans.view_district", district)
    versions = selectors.progress_history(entry)
    return render(request, "tasks/progress_detail.html", {
        "entry": entry,
        "task": task,
        "district": district,
        "headings": selectors.task_headings(task),
        "versions": versions[::-1],
        "contributions": selectors.task_contributions(task, entry.year),
        "can_report": request.user.has_perm("tasks.report_progress", task),
        "can_approve": request.user.has_perm("reporting.approve", district),
        "entry_url": _entry_url(task.pk, entry.year, entry.quarter),
    })


@require_http_methods(["GET", "POST"])
def contribute(request, task_id: int, year: int):
    """A supporting unit's reporter writes their unit's note on a task for a year."""
    task = _task_or_404(task_id)
    require_perm(request, "tasks.contribute", task)
    unit = user_unit(request.user)
    if unit is None or all(u.pk != unit.pk for u in task.supporting_units.all()):
        # Only a supporting unit's own reporter writes its note (an admin has no unit).
        raise PermissionDenied("tasks.contribute")
    _check_period(task, year)

    current = TaskContribution.objects.filter(task=task, year=year, unit=unit).first()
    if request.method == "POST":
        form = ContributionForm(request.POST)
        if form.is_valid():
            contribution_save(task=task, year=year, unit=unit, note=form.cleaned_data["note"],
                              user=request.user)
            messages.success(request, _("已保存本单位的配合情况。"))
            return redirect("tasks:contribute", task_id=task.pk, year=year)
    else:
        form = ContributionForm(initial={"note": current.note} if current else None)

    entries = selectors.year_entries(task, year)
    latest = max(entries.values(), key=lambda e: selectors.period_rank(e.quarter), default=None)
    return render(request, "tasks/contribute.html", {
        "task": task,
        "district": task.plan.district,
        "headings": selectors.task_headings(task),
        "year": year,
        "unit": unit,
        "current": current,
        "form": form,
        "latest": latest,
        "contributions": selectors.task_contributions(task, year),
    })
