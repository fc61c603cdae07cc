"""Reads for the task progress pages (重点任务推进情况), each in a constant number of queries.

- ``task_rows`` / ``progress_rows``: a district's task rows for a year with their latest
  progress, headings, contributions and late/overdue marks (the list page).
- ``entry_task``, ``task_headings``, ``year_entries``, ``previous_entry``,
  ``task_contributions``: one task's page.
- ``progress_history``: every saved version of an entry, with what changed.

"Latest" progress of a year is the entry of its latest period: the whole-year entry (quarter 0,
the annual report) counts after the fourth quarter.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When,
)
from django.utils import timezone

from plans.models import District, Unit
from reporting.choices import ReviewStatus
from reporting.history import history_records, starts_correction, step_label
from reporting.models import ReportingRound
from tasks.choices import ProgressStatus, Quarter
from tasks.models import Task, TaskContribution, TaskProgress, TaskSupport

# The whole-year entry (quarter 0) is the last word on a year.
PERIOD_RANK = Case(When(quarter=Quarter.YEAR, then=Value(5)), default=F("quarter"),
                   output_field=IntegerField())


def period_rank(quarter: int) -> int:
    return 5 if quarter == Quarter.YEAR else quarter


def supporting_units_prefetch() -> Prefetch:
    """A task's supporting units in the order the plan lists them (the rights check reads
    this prefetch too, see accounts/rules.py)."""
    return Prefetch("supporting_units", queryset=Unit.objects.order_by("tasksupport__position"))


@dataclass(frozen=True)
class Heading:
    """An action group or task above a row (重点任务 → 任务)."""

    pk: int
    label: str


def _label(number: str, text: str) -> str:
    if number and not text.startswith(number):
        return f"{number} {text}"
    return text


def task_label(task: Task) -> str:
    """The task's number and full text as the plan prints them."""
    return _label(task.number, task.text)


# The list page.

def task_rows(*, district: District, year: int, working: bool = True) -> QuerySet[Task]:
    """The task rows (tasks with no sub-items) of the district's plans that cover ``year``.

    Annotated with the latest progress's ``progress_status`` and ``progress_review`` (for the
    filters) and ordered with delayed or returned rows first, then in plan order. ``working``:
    the entries as their reporters work on them (a pending correction in place of the approved
    entry); else as reviewed (the approved entry), for those who only read.
    """
    latest = (
        _entries(working).filter(task=OuterRef("pk"), year=year)
        .annotate(rank=PERIOD_RANK).order_by("-rank")
    )
    return (
        Task.objects.rows()
        .filter(plan__district=district, plan__start_year__lte=year, plan__end_year__gte=year)
        .select_related("plan", "lead_unit")
        .annotate(
            progress_status=Subquery(latest.values("status")[:1]),
            progress_review=Subquery(latest.values("review_status")[:1]),
        )
        .annotate(attention=Case(
            When(Q(progress_status=ProgressStatus.DELAYED)
                 | Q(progress_review=ReviewStatus.RETURNED), then=Value(0)),
            default=Value(1), output_field=IntegerField(),
        ))
        .order_by("attention", "plan__start_year", "plan_id", "position")
    )


def unit_rows(rows: QuerySet[Task], unit_id: int) -> QuerySet[Task]:
    """The rows a unit leads or supports."""
    supported = TaskSupport.objects.filter(unit_id=unit_id).values("task_id")
    return rows.filter(Q(lead_unit_id=unit_id) | Q(pk__in=supported))


def round_deadline(year: int) -> datetime.date | None:
    """The deadline of the year's reporting round (填报截止日期), if one was opened."""
    return ReportingRound.objects.filter(year=year).values_list("deadline", flat=True).first()


def _entries(working: bool):
    return TaskProgress.objects.working() if working else TaskProgress.objects.originals()


def progress_rows(rows: QuerySet[Task], *, year: int, deadline: datetime.date | None = None,
                  today: datetime.date | None = None, working: bool = True) -> list[Task]:
    """Evaluate ``rows`` (from ``task_rows``) and attach to each row what the list shows.

    ``label``, ``headings`` (list of Heading), ``latest`` (TaskProgress or None),
    ``year_contributions`` (this year's TaskContribution list), ``overdue`` (the round's
    deadline passed and the whole-year entry is not submitted), ``late`` (submitted after the
    deadline). ``working`` as for ``task_rows``. Five queries whatever the number of rows.
    """
    today = today or timezone.localdate()
    rows = list(
        rows.prefetch_related(
            supporting_units_prefetch(),
            Prefetch("progress", queryset=_entries(working).filter(year=year)
                     .select_related("updated_by", "correction"),
                     to_attr="year_progress"),
            Prefetch("contributions", queryset=TaskContribution.objects.filter(year=year),
                     to_attr="year_contributions"),
        )
    )
    headings = _heading_map({row.plan_id for row in rows})
    for row in rows:
        row.headings = _ancestors(row, headings)
        row.label = task_label(row)
        row.latest = max(row.year_progress, key=lambda e: period_rank(e.quarter), default=None)
        done = (row.latest is not None and row.latest.quarter == Quarter.YEAR
                and row.latest.review_status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED))
        row.overdue = bool(deadline and today > deadline and not done)
        row.late = bool(row.latest and row.latest.submitted_late)
    return rows


def _heading_map(plan_ids) -> dict[int, tuple[int | None, Heading]]:
    """Every heading (node with children) of the plans: pk → (parent pk, Heading)."""
    nodes = (
        Task.objects.filter(plan_id__in=plan_ids, children__isnull=False).distinct()
        .values_list("pk", "parent_id", "number", "text")
    )
    return {pk: (parent, Heading(pk, _label(number, text))) for pk, parent, number, text in nodes}


def _ancestors(task: Task, headings: dict) -> list[Heading]:
    chain, parent = [], task.parent_id
    while parent is not None and parent in headings and len(chain) < 10:
        parent, heading = headings[parent]
        chain.append(heading)
    return chain[::-1]


# One task.

def entry_task(task_id: int) -> Task:
    """A task with its plan, district, lead unit and supporting units (raises DoesNotExist)."""
    task = (
        Task.objects.select_related("plan__district", "lead_unit")
        .prefetch_related(supporting_units_prefetch())
        .get(pk=task_id)
    )
    task.label = task_label(task)
    return task


def task_headings(task: Task) -> list[Heading]:
    """The action group and task headings above ``task`` (one query)."""
    return _ancestors(task, _heading_map([task.plan_id]))


def task_is_row(task: Task) -> bool:
    return not Task.objects.filter(parent=task).exists()


def year_entries(task: Task, year: int) -> dict[int, TaskProgress]:
    """The task's entries of the year by quarter (0 = whole year)."""
    return {
        entry.quarter: entry
        for entry in TaskProgress.objects.working().filter(task=task, year=year)
        .select_related("updated_by", "corrects")
    }


def previous_entry(task: Task, year: int, quarter: int) -> TaskProgress | None:
    """The task's entry of the period just before (year, quarter), whatever its review state."""
    rank = period_rank(quarter)
    return (
        TaskProgress.objects.working().filter(task=task)
        .annotate(rank=PERIOD_RANK)
        .filter(Q(year__lt=year) | Q(year=year, rank__lt=rank))
        .order_by("-year", "-rank")
        .first()
    )


@dataclass
class UnitContribution:
    unit: Unit
    contribution: TaskContribution | None


def task_contributions(task: Task, year: int) -> list[UnitContribution]:
    """Each supporting unit of the task with its contribution of the year (or None).

    A contribution of a unit no longer listed as supporting is shown too, after the others.
    """
    found = {
        c.unit_id: c
        for c in TaskContribution.objects.filter(task=task, year=year)
        .select_related("unit", "updated_by")
    }
    result = [UnitContribution(unit, found.pop(unit.pk, None))
              for unit in task.supporting_units.all()]
    result += [UnitContribution(c.unit, c) for c in found.values()]
    return result


def detail_entry(pk: int) -> TaskProgress:
    """A progress entry with its task, plan, district and the people on it."""
    entry = (
        TaskProgress.objects
        .select_related("task__plan__district", "task__lead_unit", "updated_by", "created_by",
                        "approved_by", "corrects", "correction")
        .prefetch_related(Prefetch("task__supporting_units",
                                   queryset=Unit.objects.order_by("tasksupport__position")))
        .get(pk=pk)
    )
    entry.task.label = task_label(entry.task)
    return entry


# History.

# (修改原因 is shown with the step that gave it)
HISTORY_FIELDS = ["status", "percent", "narrative", "reason", "remedy", "evidence_name",
                  "evidence_link", "review_status", "return_reason"]


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Version:
    """One saved version of an entry: who, when, its values and what changed from the one before."""

    record: object
    user: object
    when: datetime.datetime
    step: str  # the reason the history keeps (新建, 修改, 提交审核, 审核通过, 退回：…)
    status: str
    percent: int
    narrative: str
    review: str
    change_reason: str  # the correction reason given with this version (empty if unchanged)
    return_reason: str
    changes: list[Change] = field(default_factory=list)


def _display(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name == "status":
        return str(ProgressStatus(value).label) if value in ProgressStatus.values else str(value)
    if name == "review_status":
        return str(ReviewStatus(value).label) if value in ReviewStatus.values else str(value)
    if name == "percent":
        return f"{value}%"
    return str(value)


def progress_history(entry: TaskProgress) -> list[Version]:
    """Every saved version of ``entry`` (and of its corrections), oldest first, each with its
    changes (one query)."""
    records = history_records(entry)
    labels = {name: str(TaskProgress._meta.get_field(name).verbose_name) for name in HISTORY_FIELDS}
    versions, before = [], None
    for record in records:
        changes = []
        begins = starts_correction(record)
        if before is not None:
            delta = record.diff_against(
                before, included_fields=[n for n in HISTORY_FIELDS
                                         if not (begins and n == "review_status")])
            by_field = {c.field: c for c in delta.changes}
            changes = [
                Change(labels[name], _display(name, by_field[name].old),
                       _display(name, by_field[name].new))
                for name in HISTORY_FIELDS if name in by_field
            ]
        versions.append(Version(
            record=record, user=record.history_user, when=record.history_date,
            step=step_label(record.history_change_reason or ""),
            status=_display("status", record.status),
            percent=record.percent, narrative=record.narrative,
            review=_display("review_status", record.review_status),
            change_reason=record.change_reason if before is None
            or record.change_reason != before.change_reason else "",
            return_reason=record.return_reason,
            changes=changes,
        ))
        before = record
    return versions
