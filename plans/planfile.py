"""Plan files: reading and checking them, without the database.

A plan file is the JSON shape described in ``fixtures/FORMAT.md``. ``check_plan_file`` returns
a list of ``PlanFileError`` naming the entry at fault; an empty list means the file can be
loaded. Run ``python -m plans.planfile FILE...`` to check files by hand.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
KINDS = ("level", "flow", "cumulative", "growth", "milestone")
DIRECTIONS = ("higher", "lower")
COMPARATORS = (">=", "<=", "=", ">", "<", "between", "")
ATTRIBUTES = ("国家指标", "自选指标", "预期性", "")

PLAN_KEYS = {
    "district", "district_code", "city", "parent_district_code", "title", "issuer",
    "issue_date", "period", "source_file", "note", "units", "indicators", "tasks",
}
INDICATOR_KEYS = {
    "number", "name", "unit", "category", "attribute", "kind", "direction", "concept",
    "baseline", "quantity", "targets", "source", "note",
}
TARGET_KEYS = {
    "year", "value", "low", "high", "comparator", "text", "original_value", "adjustment_reason",
}
TASK_KEYS = {
    "number", "path", "text", "lead_unit", "supporting_units", "units_inferred", "source", "note",
}


@dataclass(frozen=True)
class PlanFileError:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def read_plan_file(path: Path | str) -> dict:
    """Read a plan file; raises ValueError with the file name if it is not valid JSON."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name}: 不是有效的 UTF-8 JSON 文件（{exc}）") from exc


def dump_plans(data: dict) -> str:
    """The canonical text of a plan file: two-space indent, Chinese as written."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_year(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1949 <= value <= 2100


def _check_keys(errors, where, obj, allowed, required) -> bool:
    if not isinstance(obj, dict):
        errors.append(PlanFileError(where, "应为 JSON 对象"))
        return False
    unknown = set(obj) - allowed
    if unknown:
        errors.append(PlanFileError(where, f"未知字段 {sorted(unknown)}"))
    missing = set(required) - set(obj)
    if missing:
        errors.append(PlanFileError(where, f"缺少字段 {sorted(missing)}"))
    return not missing


def _check_target(errors, where, target, kind):
    if not _check_keys(errors, where, target, TARGET_KEYS, {"year", "comparator"}):
        return
    if not _is_year(target["year"]):
        errors.append(PlanFileError(where, f"年份无效：{target['year']!r}"))
    comparator = target["comparator"]
    if comparator not in COMPARATORS:
        errors.append(PlanFileError(where, f"比较符无效：{comparator!r}"))
    value, low, high = target.get("value"), target.get("low"), target.get("high")
    text = target.get("text") or ""
    for name, number in (("value", value), ("low", low), ("high", high),
                         ("original_value", target.get("original_value"))):
        if number is not None and not _is_number(number):
            errors.append(PlanFileError(where, f"{name} 应为数字：{number!r}"))
    if comparator == "between":
        if low is None or high is None or value is not None:
            errors.append(PlanFileError(where, "区间目标应给出 low 和 high，value 为 null"))
        elif _is_number(low) and _is_number(high) and low > high:
            errors.append(PlanFileError(where, f"区间下限 {low} 大于上限 {high}"))
    elif comparator == "":
        if not text or value is not None:
            errors.append(PlanFileError(where, "无比较符的目标应为文字状态（text），value 为 null"))
    else:
        if value is None:
            errors.append(PlanFileError(where, f"比较符 {comparator} 需要数值 value"))
        if low is not None or high is not None:
            errors.append(PlanFileError(where, "只有区间目标（between）才填写 low / high"))
    if kind == "milestone" and value is not None and comparator not in (">=", "="):
        errors.append(PlanFileError(where, "里程碑指标的目标应为文字状态"))


def _check_quantity(errors, where, indicator):
    """A growth indicator names the quantity it grows: its name and unit, or another indicator."""
    quantity = indicator.get("quantity")
    if quantity is None:
        return
    if indicator.get("kind") != "growth":
        errors.append(PlanFileError(where, "只有增长率指标（growth）才填写 quantity"))
        return
    if not _check_keys(errors, f"{where} 基础量", quantity, {"name", "unit", "indicator"}, set()):
        return
    if "indicator" in quantity:
        if set(quantity) != {"indicator"} or not str(quantity["indicator"] or "").strip():
            errors.append(PlanFileError(where, "quantity 引用指标时只写 indicator（指标序号）"))
        elif quantity["indicator"] == indicator.get("number"):
            errors.append(PlanFileError(where, "quantity 不能引用指标自身"))
    elif not str(quantity.get("name") or "").strip() or not str(quantity.get("unit") or "").strip():
        errors.append(PlanFileError(where, "quantity 应写明基础量的 name 和 unit，或 indicator"))


def _check_indicator(errors, where, indicator, concepts):
    required = {"number", "name", "kind", "direction", "targets"}
    if not _check_keys(errors, where, indicator, INDICATOR_KEYS, required):
        return
    if not str(indicator["number"]).strip():
        errors.append(PlanFileError(where, "序号不能为空"))
    if not str(indicator["name"]).strip():
        errors.append(PlanFileError(where, "指标名称不能为空"))
    kind = indicator["kind"]
    if kind not in KINDS:
        errors.append(PlanFileError(where, f"指标类型无效：{kind!r}，应为 {'/'.join(KINDS)}"))
    if indicator["direction"] not in DIRECTIONS:
        errors.append(PlanFileError(where, f"方向无效：{indicator['direction']!r}"))
    if indicator.get("attribute", "") not in ATTRIBUTES:
        errors.append(PlanFileError(where, f"指标属性无效：{indicator.get('attribute')!r}"))
    concept = indicator.get("concept", "")
    if concept and concepts is not None and concept not in concepts:
        errors.append(PlanFileError(where, f"未登记的概念标签：{concept!r}"))
    baseline = indicator.get("baseline")
    if baseline is not None:
        if _check_keys(errors, f"{where} 基础值", baseline, {"year", "value"}, set()):
            year, value = baseline.get("year"), baseline.get("value")
            if year is not None and not _is_year(year):
                errors.append(PlanFileError(where, f"基础值年份无效：{year!r}"))
            if value is not None and not _is_number(value):
                errors.append(PlanFileError(where, f"基础值应为数字：{value!r}"))
    _check_quantity(errors, where, indicator)
    targets = indicator["targets"]
    if not isinstance(targets, list):
        errors.append(PlanFileError(where, "targets 应为列表"))
        return
    years = [t.get("year") for t in targets if isinstance(t, dict)]
    if len(years) != len(set(years)):
        errors.append(PlanFileError(where, f"同一年份有多个目标：{years}"))
    for target in targets:
        _check_target(errors, f"{where} 目标 {target.get('year') if isinstance(target, dict) else '?'}",
                      target, kind)


def _check_task(errors, where, task, unit_names):
    if not _check_keys(errors, where, task, TASK_KEYS, {"number", "path", "text", "lead_unit"}):
        return
    if not isinstance(task["path"], list) or not all(isinstance(p, str) and p for p in task["path"]):
        errors.append(PlanFileError(where, "path 应为非空字符串的列表"))
    if not str(task["text"]).strip():
        errors.append(PlanFileError(where, "任务内容不能为空"))
    lead = task["lead_unit"]
    if not lead:
        errors.append(PlanFileError(where, "缺少牵头单位"))
    elif lead not in unit_names:
        errors.append(PlanFileError(where, f"牵头单位 {lead!r} 不在 units 中"))
    supporting = task.get("supporting_units", [])
    if not isinstance(supporting, list):
        errors.append(PlanFileError(where, "supporting_units 应为列表"))
        return
    for name in supporting:
        if name not in unit_names:
            errors.append(PlanFileError(where, f"配合单位 {name!r} 不在 units 中"))
    if lead in supporting:
        errors.append(PlanFileError(where, f"{lead} 既是牵头单位又是配合单位"))
    if len(set(supporting)) != len(supporting):
        errors.append(PlanFileError(where, "配合单位有重复"))


def _check_plan(errors, where, plan, concepts):
    if not _check_keys(errors, where, plan, PLAN_KEYS,
                       {"district", "district_code", "title", "period", "indicators", "tasks"}):
        return
    code = plan["district_code"]
    if not (isinstance(code, str) and SLUG_RE.match(code) and len(code) <= 32):
        errors.append(PlanFileError(where, f"区代码无效（应为字母、数字、-、_ 组成，至多32位）：{code!r}"))
    parent = plan.get("parent_district_code")
    if parent is not None and not (isinstance(parent, str) and SLUG_RE.match(parent)):
        errors.append(PlanFileError(where, f"上级区代码无效：{parent!r}"))
    elif parent is not None and parent == code:
        errors.append(PlanFileError(where, "上级区代码不能是本区自身"))
    period = plan["period"]
    if not (isinstance(period, list) and len(period) == 2 and all(_is_year(y) for y in period)
            and period[0] <= period[1]):
        errors.append(PlanFileError(where, f"规划期应为 [起始年, 结束年]：{period!r}"))
    if plan.get("issue_date"):
        try:
            datetime.date.fromisoformat(plan["issue_date"])
        except (TypeError, ValueError):
            errors.append(PlanFileError(where, f"印发日期应为 YYYY-MM-DD：{plan['issue_date']!r}"))

    unit_names: set[str] = set()
    spellings: dict[str, str] = {}
    for i, unit in enumerate(plan.get("units", []), start=1):
        unit_where = f"{where} 单位 #{i}"
        if not _check_keys(errors, unit_where, unit, {"name", "aliases", "is_group"}, {"name"}):
            continue
        for spelling in [unit["name"], *unit.get("aliases", [])]:
            if spelling in spellings:
                errors.append(PlanFileError(unit_where, f"单位名称 {spelling!r} 重复（已属于 {spellings[spelling]}）"))
            spellings[spelling] = unit["name"]
        unit_names.add(unit["name"])

    numbers: set[str] = set()
    for i, indicator in enumerate(plan["indicators"], start=1):
        number = indicator.get("number") if isinstance(indicator, dict) else None
        ind_where = f"{where} 指标 #{i}（序号 {number}）"
        if number in numbers:
            errors.append(PlanFileError(ind_where, f"指标序号 {number!r} 重复"))
        numbers.add(number)
        _check_indicator(errors, ind_where, indicator, concepts)
    for i, indicator in enumerate(plan["indicators"], start=1):
        quantity = indicator.get("quantity") if isinstance(indicator, dict) else None
        linked = quantity.get("indicator") if isinstance(quantity, dict) else None
        if linked is not None and linked not in numbers:
            errors.append(PlanFileError(
                f"{where} 指标 #{i}（序号 {indicator.get('number')}）",
                f"quantity 引用的指标 {linked!r} 不在本方案中",
            ))

    keys: set[tuple] = set()
    for i, task in enumerate(plan["tasks"], start=1):
        number = task.get("number") if isinstance(task, dict) else None
        task_where = f"{where} 任务 #{i}（{number}）"
        if isinstance(task, dict):
            key = (tuple(task.get("path") or ()), number)
            if key in keys:
                errors.append(PlanFileError(task_where, "同一层级下任务编号重复"))
            keys.add(key)
        _check_task(errors, task_where, task, unit_names)


def check_plan_data(data, name: str = "", concepts=None) -> list[PlanFileError]:
    """Check a decoded plan file; ``concepts`` is the set of known concept tags (or None)."""
    errors: list[PlanFileError] = []
    if not isinstance(data, dict) or not isinstance(data.get("plans"), list):
        return [PlanFileError(name, '顶层应为 {"plans": [...]}')]
    for i, plan in enumerate(data["plans"], start=1):
        title = plan.get("district_code") if isinstance(plan, dict) else None
        _check_plan(errors, f"{name} 方案 #{i}（{title}）".strip(), plan, concepts)
    return errors


def main(argv: list[str]) -> int:
    failed = False
    for arg in argv:
        try:
            data = read_plan_file(arg)
        except ValueError as exc:
            print(exc)
            failed = True
            continue
        errors = check_plan_data(data, Path(arg).name)
        for error in errors:
            print(error)
        failed = failed or bool(errors)
        if not errors:
            plans = data["plans"]
            print(f"{arg}: OK, {sum(len(p['indicators']) for p in plans)} indicators, "
                  f"{sum(len(p['tasks']) for p in plans)} tasks")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
