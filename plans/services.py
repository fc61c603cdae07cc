"""Writes for plans: loading plan files into the database."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction

from indicators.choices import Concept
from indicators.models import Indicator, Target
from plans.models import District, Plan, Unit
from plans.planfile import check_plan_data, read_plan_file
from tasks.models import Task, TaskSupport, record_task_history

HEADING_NUMBER_RE = re.compile(
    r"^\s*("
    r"[（(][一二三四五六七八九十百]+[)）]"
    r"|[一二三四五六七八九十百]+[、是]"
    r"|[（(]\d+[)）]"
    r"|\d+(?:\.\d+)*[.、．]?"
    r")"
)


class PlanLoadError(Exception):
    """A plan file that cannot be loaded; the message names the file and the entry."""


def heading_number(heading: str) -> str:
    """The number a heading is printed with: "（五）", "20.", "一是"; "" if it has none."""
    match = HEADING_NUMBER_RE.match(heading)
    return match.group(1) if match else ""


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _sync(instance, **fields) -> bool:
    """Set fields on an instance and save it only if something changed (keeps history clean)."""
    changed = instance.pk is None
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.save()
    return changed


def plan_files(paths: list[Path | str] | None, directory: Path) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    return sorted(directory.glob("*.json"))


def plans_load_files(*, paths: list[Path]) -> list[Plan]:
    """Load plan files, all or nothing: every file is checked before anything is written."""
    documents = []
    for path in paths:
        try:
            data = read_plan_file(path)
        except (OSError, ValueError) as exc:
            raise PlanLoadError(str(exc)) from exc
        errors = check_plan_data(data, path.name, concepts=set(Concept.values))
        if errors:
            raise PlanLoadError("\n".join(str(e) for e in errors))
        documents.append((path.name, data))
    plans_data = [(name, plan) for name, data in documents for plan in data["plans"]]
    # Parents first, so 保税区 finds 滨海新区 when both are loaded together.
    plans_data.sort(key=lambda item: item[1].get("parent_district_code") is not None)
    loaded = []
    with transaction.atomic():
        for name, plan in plans_data:
            try:
                with transaction.atomic():
                    loaded.append(plan_load(data=plan, name=name))
            except IntegrityError as exc:
                raise PlanLoadError(f"{name} {plan['district_code']}: 数据冲突（{exc}）") from exc
    return loaded


def plan_load(*, data: dict, name: str = "") -> Plan:
    """Create or update one plan from its plan-file entry, keyed by natural keys."""
    where = f"{name} {data['district_code']}".strip()
    parent = None
    if data.get("parent_district_code"):
        parent = District.objects.filter(code=data["parent_district_code"]).first()
        if parent is None:
            raise PlanLoadError(
                f"{where}: 上级区域 {data['parent_district_code']} 尚未载入，请一并载入其方案文件"
            )
    district = District.objects.filter(code=data["district_code"]).first() or District(
        code=data["district_code"]
    )
    _sync(district, name=data["district"], city=data.get("city", ""), parent=parent)

    plan = Plan.objects.filter(district=district, title=data["title"]).first() or Plan(
        district=district, title=data["title"]
    )
    issue_date = data.get("issue_date")
    _sync(
        plan,
        issuer=data.get("issuer", ""),
        issue_date=datetime.date.fromisoformat(issue_date) if issue_date else None,
        start_year=data["period"][0],
        end_year=data["period"][1],
        source_file=data.get("source_file", ""),
        note=data.get("note", ""),
    )
    units = _load_units(district, data.get("units", []))
    _load_indicators(plan, data["indicators"], where)
    _load_tasks(plan, data["tasks"], units, where)
    return plan


def _load_units(district: District, rows: list[dict]) -> dict[str, Unit]:
    """The district's units by the names the plan's tasks use. A plan's unit is found by its
    name or by one of its other spellings: a unit renamed in the portal keeps its old name among
    them (accounts.forms.UnitForm), so it stays the plan's unit, with its people and its new
    name, and the plan's spelling is kept with the others."""
    units = list(district.units.all())
    by_spelling = {unit.name: unit for unit in units}
    for unit in units:
        for spelling in unit.aliases or []:
            by_spelling.setdefault(spelling, unit)
    found = {unit.name: unit for unit in units}
    for position, row in enumerate(rows):
        name = row["name"]
        unit = by_spelling.get(name) or Unit(district=district, name=name)
        aliases = [a for a in row.get("aliases", []) if a != unit.name]
        if name != unit.name and name not in aliases:
            aliases.append(name)
        _sync(unit, position=position, aliases=aliases, is_group=row.get("is_group", False))
        by_spelling[name] = found[name] = found[unit.name] = unit
    return found


def _load_indicators(plan: Plan, rows: list[dict], where: str) -> None:
    existing = {ind.number: ind for ind in plan.indicators.prefetch_related("targets")}
    for position, row in enumerate(rows):
        indicator = existing.pop(row["number"], None) or Indicator(plan=plan, number=row["number"])
        baseline = row.get("baseline") or {}
        quantity = row.get("quantity") or {}
        _sync(
            indicator,
            position=position,
            name=row["name"],
            unit=row.get("unit", ""),
            category=row.get("category", ""),
            attribute=row.get("attribute", ""),
            kind=row["kind"],
            direction=row["direction"],
            concept=row.get("concept", ""),
            baseline_year=baseline.get("year"),
            baseline_value=_decimal(baseline.get("value")),
            quantity_name=quantity.get("name", ""),
            quantity_unit=quantity.get("unit", ""),
            source=row.get("source", ""),
            note=row.get("note", ""),
        )
        targets = {t.year: t for t in indicator.targets.all()} if indicator.pk else {}
        for item in row["targets"]:
            target = targets.pop(item["year"], None) or Target(indicator=indicator, year=item["year"])
            _sync(
                target,
                value=_decimal(item.get("value")),
                low=_decimal(item.get("low")),
                high=_decimal(item.get("high")),
                comparator=item["comparator"],
                text=item.get("text", ""),
                original_value=_decimal(item.get("original_value")),
                adjustment_reason=item.get("adjustment_reason", ""),
            )
        for target in targets.values():
            target.delete()
    by_number = {ind.number: ind for ind in plan.indicators.all()}
    for row in rows:
        linked = by_number.get((row.get("quantity") or {}).get("indicator"))
        _sync(by_number[row["number"]], quantity_indicator_id=linked.pk if linked else None)
    for indicator in existing.values():
        if indicator.figures.exists():
            raise PlanLoadError(
                f"{where} 指标 {indicator.number}: 文件中已没有此指标，但它已有填报数据，不能删除"
            )
        indicator.delete()


def _load_tasks(plan: Plan, rows: list[dict], units: dict[str, Unit], where: str) -> None:
    existing = {(task.parent_id, task.number, task.text if not task.number else ""): task
                for task in plan.tasks.all()}
    seen: set[int] = set()
    position = 0

    def node(parent: Task | None, number: str, text: str) -> Task:
        nonlocal position
        parent_id = parent.pk if parent else None
        key = (parent_id, number, text if not number else "")
        task = existing.get(key) or Task(plan=plan, parent=parent, number=number)
        existing[key] = task
        if task.pk is None or task.pk not in seen:
            position += 1
            _sync(task, position=position, text=text)
            seen.add(task.pk)
        return task

    for row in rows:
        parent = None
        for heading in row["path"]:
            parent = node(parent, heading_number(heading), heading)
        task = node(parent, row["number"], row["text"])
        # The supporting units first: the row's save below then records them with its fields.
        wanted = [units[name].pk for name in row.get("supporting_units", [])]
        current = list(
            TaskSupport.objects.filter(task=task).order_by("position").values_list("unit_id", flat=True)
        )
        if current != wanted:
            TaskSupport.objects.filter(task=task).delete()
            TaskSupport.objects.bulk_create(
                TaskSupport(task=task, unit_id=unit_id, position=i) for i, unit_id in enumerate(wanted)
            )
        saved = _sync(
            task,
            lead_unit=units[row["lead_unit"]],
            units_inferred=row.get("units_inferred", False),
            source=row.get("source", ""),
            note=row.get("note", ""),
        )
        if current != wanted and not saved:
            record_task_history(task, "~")
    stale = [task for task in existing.values() if task.pk not in seen]
    for task in stale:
        if task.progress.exists():
            raise PlanLoadError(
                f"{where} 任务 {task.number or task.text[:20]}: 文件中已没有此任务，但它已有进展记录，不能删除"
            )
    Task.objects.filter(pk__in=[task.pk for task in stale]).delete()
