"""Completeness ledgers: every number in a plan's goal sections, and where it went.

A ledger (``fixtures/ledger/<code>.json``, described in ``fixtures/FORMAT.md``) lists, for each
goal section of the source text, every Arabic number in order, with the indicator it became or
the reason it is not one. ``check_ledger`` compares a ledger with the source text and the plan
file and returns the problems; ``python -m plans.ledger CODE...`` prints a report.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from plans.planfile import read_plan_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
BOOKMARK_RE = re.compile(r"\[bookmark: [^\]]*\]")


def clean_source(text: str) -> str:
    return BOOKMARK_RE.sub("", text)


def section_text(source: str, start: str, end: str) -> str:
    """Text from the first ``start`` up to the first ``end`` after it; ValueError if absent."""
    begin = source.find(start)
    if begin < 0:
        raise ValueError(f"找不到起始标记 {start!r}")
    finish = source.find(end, begin + len(start))
    if finish < 0:
        raise ValueError(f"找不到结束标记 {end!r}")
    return source[begin:finish]


def indicator_numbers(indicator: dict) -> set[float]:
    """The numbers an indicator holds: baseline year and value, target years and values."""
    found: set[float] = set()
    baseline = indicator.get("baseline") or {}
    for key in ("year", "value"):
        if baseline.get(key) is not None:
            found.add(float(baseline[key]))
    for target in indicator.get("targets", []):
        for key in ("year", "value", "low", "high"):
            if target.get(key) is not None:
                found.add(float(target[key]))
    return found


def check_ledger(ledger: dict, source: str, plan: dict) -> list[str]:
    """Problems with a ledger against its source text and plan; empty when it is complete."""
    problems: list[str] = []
    source = clean_source(source)
    indicators = {ind["number"]: ind for ind in plan["indicators"]}
    for section in ledger["sections"]:
        name = section["name"]
        try:
            text = section_text(source, section["start"], section["end"])
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        found = NUMBER_RE.findall(text)
        listed = [entry["number"] for entry in section["numbers"]]
        if found != listed:
            problems.append(f"{name}: 原文数字 {found} 与台账 {listed} 不一致")
        for entry in section["numbers"]:
            label = f"{name} {entry['number']}（{entry.get('context', '')}）"
            target = entry.get("indicator")
            if target is None:
                if not entry.get("reason"):
                    problems.append(f"{label}: 既未对应指标，也未说明原因")
                continue
            if target not in indicators:
                problems.append(f"{label}: 指标 {target} 不存在")
                continue
            value = float(entry.get("value", entry["number"]))
            if value not in indicator_numbers(indicators[target]):
                problems.append(f"{label}: 指标 {target} 的基础值和目标中没有 {value:g}")
            if entry.get("context") and entry["context"] not in text:
                problems.append(f"{label}: 上下文不在原文中")
    return problems


def ledger_report(code: str) -> tuple[list[str], list[str]]:
    """(report lines, problems) for one district's ledger and plan file."""
    ledger = json.loads((FIXTURES / "ledger" / f"{code}.json").read_text(encoding="utf-8"))
    plan = read_plan_file(FIXTURES / f"{code}.json")["plans"][0]
    source = (FIXTURES / "sources" / ledger["source_file"]).read_text(encoding="utf-8")
    lines = []
    for section in ledger["sections"]:
        lines.append(f"== {plan['district']} {section['name']}")
        for entry in section["numbers"]:
            where = (f"→ 指标 {entry['indicator']}" if entry.get("indicator")
                     else f"不是指标：{entry.get('reason', '')}")
            lines.append(f"  {entry['number']:>10}  {entry.get('context', '')}  {where}")
    return lines, check_ledger(ledger, source, plan)


def main(argv: list[str]) -> int:
    failed = False
    for code in argv:
        lines, problems = ledger_report(code)
        print("\n".join(lines))
        for problem in problems:
            print("!!", problem)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
