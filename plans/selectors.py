"""Reads for plans: the home page summary and the plan-file export."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from indicators.models import Indicator, Target
from plans.models import District, Plan
from tasks.models import Task, TaskSupport


def _count(queryset):
    """A subquery counting rows of ``queryset`` per plan (no join fan-out)."""
    counted = queryset.order_by().values("plan").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def plans_with_counts():
    """Plans with their district and indicator and task-row counts, in one query."""
    return (
        Plan.objects.select_related("district", "district__parent")
        .annotate(
            indicator_count=_count(Indicator.objects.filter(plan=OuterRef("pk"))),
            task_count=_count(Task.objects.filter(plan=OuterRef("pk"), children__isnull=True)),
        )
        .order_by("district__city", "district__code", "start_year")
    )


def districts_with_plans():
    """Districts, each with ``plan_list``: its plans with counts. Two queries."""
    return District.objects.select_related("parent").prefetch_related(
        Prefetch("plans", queryset=plans_with_counts(), to_attr="plan_list")
    )


def _number(value: Decimal | None):
    """A stored decimal as a JSON number: 13066, 0.7."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def _target(target: Target) -> dict:
    return {
        "year": target.year,
        "value": _number(target.value),
        "low": _number(target.low),
        "high": _number(target.high),
        "comparator": target.comparator,
        "text": target.text,
        "original_value": _number(target.original_value),
        "adjustment_reason": target.adjustment_reason,
    }


def _quantity(indicator: Indicator) -> dict | None:
    """What a growth indicator's figures measure: another indicator, or a name and unit."""
    if indicator.quantity_indicator_id:
        return {"indicator": indicator.quantity_indicator.number}
    if indicator.quantity_name or indicator.quantity_unit:
        return {"name": indicator.quantity_name, "unit": indicator.quantity_unit}
    return None


def _indicator(indicator: Indicator) -> dict:
    baseline = None
    if indicator.baseline_year is not None or indicator.baseline_value is not None:
        baseline = {"year": indicator.baseline_year, "value": _number(indicator.baseline_value)}
    return {
        "number": indicator.number,
        "name": indicator.name,
        "unit": indicator.unit,
        "category": indicator.category,
        "attribute": indicator.attribute,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "concept": indicator.concept,
        "baseline": baseline,
        "quantity": _quantity(indicator),
        "targets": [_target(t) for t in indicator.targets.all()],
        "source": indicator.source,
        "note": indicator.note,
    }


def _task_rows(plan: Plan) -> list[dict]:
    """The plan's task rows at the finest level, each with the headings above it."""
    tasks = list(plan.tasks.all())
    by_id = {task.pk: task for task in tasks}
    has_children = {task.parent_id for task in tasks}
    rows = []
    for task in tasks:
        if task.pk in has_children:
            continue
        path, parent_id = [], task.parent_id
        while parent_id is not None:
            parent = by_id[parent_id]
            path.insert(0, parent.text)
            parent_id = parent.parent_id
        rows.append({
            "number": task.number,
            "path": path,
            "text": task.text,
            "lead_unit": task.lead_unit.name if task.lead_unit else "",
            "supporting_units": [s.unit.name for s in task.support_list],
            "units_inferred": task.units_inferred,
            "source": task.source,
            "note": task.note,
        })
    return rows


def plans_export(*, district_code: str | None = None) -> dict:
    """Every loaded plan (or one district's) in the plan-file shape of fixtures/FORMAT.md."""
    plans = (
        Plan.objects.select_related("district", "district__parent")
        .prefetch_related(
            "district__units",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("quantity_indicator")
                .prefetch_related("targets"),
            ),
            Prefetch(
                "tasks",
                queryset=Task.objects.select_related("lead_unit").prefetch_related(
                    Prefetch(
                        "tasksupport_set",
                        queryset=TaskSupport.objects.select_related("unit"),
                        to_attr="support_list",
                    )
                ),
            ),
        )
        .order_by("district__city", "district__code", "start_year")
    )
    if district_code:
        plans = plans.filter(district__code=district_code)
    result = []
    for plan in plans:
        district = plan.district
        result.append({
            "district": district.name,
            "district_code": district.code,
            "city": district.city,
            "parent_district_code": district.parent.code if district.parent else None,
            "title": plan.title,
            "issuer": plan.issuer,
            "issue_date": plan.issue_date.isoformat() if plan.issue_date else None,
            "period": [plan.start_year, plan.end_year],
            "source_file": plan.source_file,
            "note": plan.note,
            "units": [
                {"name": u.name, "aliases": u.aliases, "is_group": u.is_group}
                for u in district.units.all()
            ],
            "indicators": [_indicator(i) for i in plan.indicators.all()],
            "tasks": _task_rows(plan),
        })
    return {"plans": result}
