"""Every user's to-do list (待办): what to fill in, fix, approve or follow up, and by when.

``todo_for(user, today)`` returns ``TodoItem``s for the user's role:

- reporter (填报员): the entry grids of each open round whose year lies in one of the
  district's plan periods (indicators without a submitted or approved figure), the unit's task
  progress still to report for those rounds, what was returned (the district's figures, the
  unit's task progress), and red items: the district's indicators whose status is behind (滞后)
  and the unit's delayed tasks;
- coordinator (区管理员): submissions waiting for approval, entries flagged for follow-up, and
  the district's round status;
- admin (系统管理员): each open round and how far it has got;
- leader (领导): a pointer to the dashboards.

Items tied to a year carry that year's round deadline while the round is open, as days left
(剩余 N 天) or days overdue (已逾期 N 天); a closed round's items carry none. The list
is built in a constant number of queries, whatever the number of plans, indicators, tasks and
entries (tests/reporting/test_todo.py counts them).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from accounts.choices import Role
from accounts.selectors import user_district, user_role, user_unit_id
from indicators.models import Figure
from indicators.progress import Status
from indicators.selectors import indicators_progress
from plans.models import Plan
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from reporting.round_selectors import REPORTED, Completion, days_left, plan_completion
from tasks.choices import ProgressStatus, Quarter
from tasks.models import Task, TaskProgress

# Kinds of items, in the order a list shows them.
ENTRY = "entry"  # fill in a plan's figures for a round
PROGRESS = "progress"  # report the unit's task progress for a round
RETURNED_FIGURES = "returned_figures"
RETURNED_PROGRESS = "returned_progress"
BEHIND = "behind"  # an indicator behind (red)
DELAYED = "delayed"  # a delayed task (red)
APPROVE = "approve"
FLAGS = "flags"
ROUND = "round"
ROUNDS = "rounds"
DASHBOARD = "dashboard"
RED = (BEHIND, DELAYED)
KIND_LABELS = {
    ENTRY: gettext_lazy("填报"), PROGRESS: gettext_lazy("报送"),
    RETURNED_FIGURES: pgettext_lazy("to-do kind", "退回"),
    RETURNED_PROGRESS: pgettext_lazy("to-do kind", "退回"),
    BEHIND: pgettext_lazy("indicator status", "滞后"), DELAYED: gettext_lazy("滞后"),
    APPROVE: gettext_lazy("审核"),
    FLAGS: gettext_lazy("核查"), ROUND: gettext_lazy("进度"), ROUNDS: gettext_lazy("轮次"),
    DASHBOARD: gettext_lazy("查看"),
}
# Kinds whose count is a number of entries worth showing.
COUNTED = (ENTRY, PROGRESS, RETURNED_FIGURES, APPROVE, FLAGS, ROUND, ROUNDS)


@dataclass(frozen=True)
class TodoItem:
    kind: str
    title: str
    url: str
    count: int = 1
    due: datetime.date | None = None
    days_left: int | None = None
    overdue: bool = False
    detail: str = ""

    @property
    def red(self) -> bool:
        return self.kind in RED

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, ""))

    @property
    def show_count(self) -> bool:
        return self.kind in COUNTED and self.count > 0

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.overdue and self.days_left is not None else 0

    @property
    def due_class(self) -> str:
        if self.days_left is None:
            return ""
        return "overdue" if self.overdue else "soon" if self.days_left <= 7 else "left"

    @property
    def due_text(self) -> str:
        """剩余 N 天 / 今天截止 / 已逾期 N 天, or nothing without a deadline."""
        if self.days_left is None:
            return ""
        if self.overdue:
            return _("已逾期 %(n)s 天") % {"n": self.overdue_days}
        if self.days_left == 0:
            return _("今天截止")
        return _("剩余 %(n)s 天") % {"n": self.days_left}


def _url(name: str, *args) -> str:
    """The page's address, or "" while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


class _Deadlines:
    """The rounds by year, to date items."""

    def __init__(self, rounds: list[ReportingRound], today: datetime.date):
        self.by_year = {r.year: r for r in rounds}
        self.today = today

    def open_years(self, plans=None) -> list[int]:
        """The years of open rounds (that lie in one of ``plans``' periods, if given)."""
        years = sorted(y for y, r in self.by_year.items() if r.is_open)
        if plans is not None:
            years = [y for y in years if any(p.start_year <= y <= p.end_year for p in plans)]
        return years

    def item(self, kind, title, url, count=1, year=None, detail="") -> TodoItem:
        """An item; dated by its year's round while that round is open."""
        round_ = self.by_year.get(year)
        if round_ is None or not round_.is_open:
            return TodoItem(kind, title, url, count, detail=detail)
        left = days_left(round_.deadline, self.today)
        return TodoItem(kind, title, url, count, round_.deadline, left, left < 0, detail)


def todo_for(user, today: datetime.date | None = None) -> list[TodoItem]:
    """The user's to-do items, most pressing kinds first (see the module docstring)."""
    today = today or timezone.localdate()
    role = user_role(user)
    if role is None:
        return []
    if role == Role.LEADER:
        return [TodoItem(DASHBOARD, _("查看各区规划、指标完成情况和任务推进情况"),
                         _url("dashboards:overview"), 0)]
    deadlines = _Deadlines(list(ReportingRound.objects.all()), today)
    if role == Role.ADMIN:
        return _admin_items(deadlines)
    district = user_district(user)
    if district is None:
        return []
    plans = list(Plan.objects.filter(district=district).order_by("start_year", "pk"))
    if role == Role.COORDINATOR:
        return _coordinator_items(district, plans, deadlines)
    return _reporter_items(district, user_unit_id(user), plans, deadlines)


def status_year(plans, open_years: list[int], today: datetime.date) -> int | None:
    """The year whose status a district's red items show: its latest open round, else the
    latest year of its plans that has ended (at most last year)."""
    if open_years:
        return max(open_years)
    if not plans:
        return None
    return min(max(p.end_year for p in plans), today.year - 1)


def _reporter_items(district, unit_id, plans, deadlines: _Deadlines) -> list[TodoItem]:
    code = district.code
    open_years = deadlines.open_years(plans)
    red_year = status_year(plans, open_years, deadlines.today)
    by_pk = {p.pk: p for p in plans}
    items: list[TodoItem] = []

    # Entry grids of the open rounds.
    completion = plan_completion(years=open_years, district_ids=[district.pk]) if open_years else {}
    for (plan_id, year), done in sorted(completion.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if done.figures_missing:
            plan = by_pk[plan_id]
            items.append(deadlines.item(
                ENTRY, _("填报 %(year)s 年度指标数据") % {"year": year},
                _url("indicators:entry_grid", code, plan_id, year), done.figures_missing, year,
                ngettext("%(plan)s：尚有 %(n)s 项指标未提交", "%(plan)s：尚有 %(n)s 项指标未提交",
                         done.figures_missing) % {"plan": plan.title, "n": done.figures_missing},
            ))

    # The unit's task rows, and their entries that matter here (one query each).
    rows = {}
    entries = []
    if unit_id is not None:
        rows = {t.pk: t for t in Task.objects.rows().filter(plan__district=district,
                                                             lead_unit_id=unit_id)
                .only("pk", "plan_id", "number", "text")}
        wanted = Q(review_status=ReviewStatus.RETURNED)
        if open_years:
            wanted |= Q(year__in=open_years, quarter=Quarter.YEAR, review_status__in=REPORTED)
        if red_year is not None:
            wanted |= Q(year=red_year)
        entries = list(TaskProgress.objects.filter(task__plan__district=district,
                                                   task__lead_unit_id=unit_id)
                       .filter(wanted).order_by("task_id", "year", "quarter")
                       .values("task_id", "year", "quarter", "status", "review_status",
                               "return_reason", "reason", "remedy"))
    for year in open_years:
        covering = {p.pk for p in plans if p.start_year <= year <= p.end_year}
        owed = {pk for pk, t in rows.items() if t.plan_id in covering}
        done = {e["task_id"] for e in entries if e["year"] == year and e["quarter"] == Quarter.YEAR
                and e["review_status"] in REPORTED}
        missing = len(owed - done)
        if missing:
            items.append(deadlines.item(
                PROGRESS, _("报送 %(year)s 年度本单位牵头任务进展") % {"year": year},
                _url("tasks:progress_list", code, year), missing, year,
                ngettext("尚有 %(n)s 项任务未报送", "尚有 %(n)s 项任务未报送", missing) % {"n": missing},
            ))

    # Returned to the reporter: the district's figures (per plan and year), the unit's progress.
    returned = defaultdict(list)
    for plan_id, year, number, reason in (
        Figure.objects.filter(indicator__plan__district=district, review_status=ReviewStatus.RETURNED)
        .order_by("indicator__plan_id", "year", "indicator__position")
        .values_list("indicator__plan_id", "year", "indicator__number", "return_reason")
    ):
        returned[(plan_id, year)].append((number, reason))
    for (plan_id, year), figures in sorted(returned.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        numbers = (pgettext("list separator", "、").join(n for n, _r in figures[:8])
                   + ("……" if len(figures) > 8 else ""))
        items.append(deadlines.item(
            RETURNED_FIGURES, _("退回修改：%(year)s 年度指标数据") % {"year": year},
            _url("indicators:entry_grid", code, plan_id, year), len(figures), year,
            _("%(plan)s 序号 %(numbers)s；退回原因：%(reason)s") % {
                "plan": by_pk[plan_id].title, "numbers": numbers, "reason": figures[0][1]},
        ))
    for entry in entries:
        if entry["review_status"] == ReviewStatus.RETURNED and entry["task_id"] in rows:
            task = rows[entry["task_id"]]
            items.append(deadlines.item(
                RETURNED_PROGRESS,
                _("退回修改：%(year)s 年度任务进展 %(task)s") % {
                    "year": entry["year"], "task": _task_label(task)},
                _url("tasks:progress_entry", task.pk, entry["year"]), 1, entry["year"],
                _("退回原因：%(reason)s") % {"reason": entry["return_reason"]},
            ))

    # Red items: indicators behind, the unit's delayed tasks, in the status year.
    if red_year is not None:
        covering = {p.pk for p in plans if p.start_year <= red_year <= p.end_year}
        behind = [row.indicator for row in indicators_progress(year=red_year, district=district)
                  if row.progress.status == Status.BEHIND and row.indicator.plan_id in covering]
        # Reason and remedy given (on the approved figure, or its pending correction; for a
        # growth rate computed from another indicator's figures, on that one's): done.
        explained = set(Figure.objects.filter(
            indicator__in={i.quantity_indicator_id or i.pk for i in behind}, year=red_year)
            .exclude(reason="").exclude(remedy="")
            .values_list("indicator_id", flat=True)) if behind else set()
        for indicator in behind:
            if (indicator.quantity_indicator_id or indicator.pk) not in explained:
                items.append(deadlines.item(
                    BEHIND,
                    _("指标滞后：%(number)s. %(name)s（%(year)s 年）") % {
                        "number": indicator.number, "name": indicator.name, "year": red_year},
                    _url("indicators:entry_grid", code, indicator.plan_id, red_year), 1, red_year,
                    _("请说明滞后原因并提出整改措施"),
                ))
        latest = {}
        for entry in entries:  # as approved, like every status (a correction is not, yet)
            if entry["year"] == red_year and entry["review_status"] == ReviewStatus.APPROVED:
                rank = 5 if entry["quarter"] == Quarter.YEAR else entry["quarter"]
                if entry["task_id"] not in latest or rank > latest[entry["task_id"]][0]:
                    latest[entry["task_id"]] = (rank, entry)
        for task_id, (_rank, entry) in sorted(latest.items()):
            explained = entry["reason"].strip() and entry["remedy"].strip()
            if entry["status"] == ProgressStatus.DELAYED and task_id in rows and not explained:
                task = rows[task_id]
                items.append(deadlines.item(
                    DELAYED, _("任务滞后：%(task)s（%(year)s 年）") % {
                        "task": _task_label(task), "year": red_year},
                    _url("tasks:progress_entry", task.pk, red_year), 1, red_year,
                    _("请填写滞后原因和整改措施"),
                ))
    return items


def _task_label(task: Task) -> str:
    text = task.text if len(task.text) <= 40 else task.text[:40] + "……"
    if task.number and not task.text.startswith(task.number):
        return f"{task.number} {text}"
    return text


def _coordinator_items(district, plans, deadlines: _Deadlines) -> list[TodoItem]:
    code = district.code
    items: list[TodoItem] = []
    waiting = defaultdict(lambda: [0, 0])
    flagged = 0
    for model, position, path in ((Figure, 0, "indicator__plan__district"),
                                  (TaskProgress, 1, "task__plan__district")):
        for row in (model.objects.filter(**{path: district})
                    .filter(Q(review_status=ReviewStatus.SUBMITTED) | Q(flagged=True))
                    .values("year")
                    .annotate(submitted=Count("pk", filter=Q(review_status=ReviewStatus.SUBMITTED)),
                              flagged=Count("pk", filter=Q(flagged=True)))):
            if row["submitted"]:
                waiting[row["year"]][position] += row["submitted"]
            flagged += row["flagged"]
    for year in sorted(waiting):
        figures, progress = waiting[year]
        items.append(deadlines.item(
            APPROVE, _("审核 %(year)s 年度提交的数据") % {"year": year},
            _url("reporting:queue", code), figures + progress, year,
            _("指标数据 %(f)s 项，任务进展 %(p)s 项待审核") % {"f": figures, "p": progress},
        ))
    if flagged:
        items.append(TodoItem(FLAGS, _("跟进待核查的数据"), _url("reporting:flags", code), flagged))

    open_years = deadlines.open_years(plans)
    if open_years:
        completion = plan_completion(years=open_years, district_ids=[district.pk])
        for year in open_years:
            total = Completion()
            for (_plan_id, y), done in completion.items():
                if y == year:
                    total.add(done)
            items.append(deadlines.item(
                ROUND, _("%(year)s 年度填报进度") % {"year": year},
                _url("rounds:round_status", code, year),
                total.figures_missing + total.progress_missing, year,
                _("指标已提交 %(fd)s/%(f)s，任务进展已报送 %(pd)s/%(p)s") % {
                    "fd": total.figures_done, "f": total.indicators,
                    "pd": total.progress_done, "p": total.tasks},
            ))
    else:
        years = [y for y in deadlines.by_year if any(p.start_year <= y <= p.end_year for p in plans)]
        if years:
            year = max(years)
            items.append(TodoItem(
                ROUND, _("%(year)s 年度填报情况（轮次已结束）") % {"year": year},
                _url("rounds:round_status", code, year), 0,
            ))
    return items


def _admin_items(deadlines: _Deadlines) -> list[TodoItem]:
    open_years = deadlines.open_years()
    if not open_years:
        return [TodoItem(ROUNDS, _("当前没有开放的填报轮次"), _url("rounds:round_list"), 0,
                         detail=_("可在“填报轮次”页开启新一年度的填报"))]
    completion = plan_completion(years=open_years)
    items = []
    for year in open_years:
        total = Completion()
        for (_plan_id, y), done in completion.items():
            if y == year:
                total.add(done)
        percent = total.percent
        items.append(deadlines.item(
            ROUNDS, _("%(year)s 年度填报轮次：完成 %(percent)s") % {
                "year": year, "percent": "—" if percent is None else f"{percent}%"},
            _url("rounds:round_list"), total.figures_missing + total.progress_missing, year,
            _("指标已提交 %(fd)s/%(f)s，任务进展已报送 %(pd)s/%(p)s") % {
                "fd": total.figures_done, "f": total.indicators,
                "pd": total.progress_done, "p": total.tasks},
        ))
    return items
