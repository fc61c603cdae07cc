"""Reads for review: the approval queue and the flagged entries of a district."""

from __future__ import annotations

from indicators.models import Figure
from reporting.choices import ReviewStatus
from tasks.models import TaskProgress

KINDS = {"figure": Figure, "taskprogress": TaskProgress}


def queue_figures(district):
    return (Figure.objects.filter(indicator__plan__district=district,
                                  review_status=ReviewStatus.SUBMITTED)
            .select_related("indicator__plan", "updated_by", "corrects")
            .order_by("indicator__plan_id", "year", "indicator__position"))


def queue_progress(district):
    return (TaskProgress.objects.filter(task__plan__district=district,
                                        review_status=ReviewStatus.SUBMITTED)
            .select_related("task__lead_unit", "task__parent", "updated_by", "corrects")
            .order_by("task__lead_unit__position", "task__position", "year", "quarter"))


def flagged(district):
    figures = (Figure.objects.filter(indicator__plan__district=district, flagged=True)
               .select_related("indicator", "flagged_by").order_by("-flagged_at"))
    progress = (TaskProgress.objects.filter(task__plan__district=district, flagged=True)
                .select_related("task", "flagged_by").order_by("-flagged_at"))
    return list(figures), list(progress)


def entry_district(kind: str, entry):
    """The district an entry belongs to (rights are checked on it)."""
    if kind == "figure":
        return entry.indicator.plan.district
    return entry.task.plan.district


def entry_for(kind: str, pk: int):
    model = KINDS[kind]
    related = ("indicator__plan__district",) if kind == "figure" else ("task__plan__district",)
    return model.objects.select_related(*related).get(pk=pk)
