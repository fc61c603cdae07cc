import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from indicators.selectors import indicators_progress
from plans.models import District

COLUMNS = [
    ("number", "序号"), ("name", "指标名称"), ("unit", "单位"),
    ("actual", "实际值"), ("expected", "序时进度"), ("target", "目标值"),
    ("target_year", "目标年"), ("percent", "完成率%"), ("status_label", "状态"),
]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, width: int) -> str:
    while _width(text) > width:
        text = text[:-2] + "…"
    return text + " " * (width - _width(text))


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


class Command(BaseCommand):
    help = "打印某区各指标截至某年的实际值、序时进度、完成率和状态。"

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="区代码，如 binhai")
        parser.add_argument("--year", required=True, type=int, help="截至年份，如 2023")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, district, year, json: bool, **options):
        found = District.objects.filter(code=district).first()
        if found is None:
            raise CommandError(f"没有区代码为 {district} 的区域")
        plans = list(found.plans.all())
        if not any(p.start_year <= year <= p.end_year for p in plans):
            periods = "、".join(p.period_label for p in plans) or "无"
            raise CommandError(f"{year} 年不在 {found.name} 任何方案的规划期内（规划期：{periods}）")
        rows = [row.as_dict() for row in indicators_progress(year=year, district=found)]
        if json:
            self.stdout.write(_json({"district": district, "year": year, "indicators": rows}))
            return
        self._table(found, year, rows)

    def _table(self, district, year, rows):
        widths = {key: _width(title) for key, title in COLUMNS}
        table = []
        for row in rows:
            cells = {key: _shown(row.get(key)) for key, _title in COLUMNS}
            if row["kind"] == "milestone" or row["judged_as"] == "milestone":
                cells["actual"] = {True: "已完成", False: "未完成", None: "—"}[row["done"]]
                cells["target"] = row["target_text"] or "—"
            table.append((row["plan"], cells))
        widths = {
            key: min(30, max([widths[key]] + [_width(c[key]) for _plan, c in table]))
            for key, _title in COLUMNS
        }
        self.stdout.write(f"{district.name} 截至 {year} 年指标进度（{len(rows)} 项）")
        heading = "  ".join(_cell(title, widths[key]) for key, title in COLUMNS).rstrip()
        plan = None
        for row_plan, cells in table:
            if row_plan != plan:
                plan = row_plan
                self.stdout.write(f"\n《{plan}》\n{heading}")
            line = "  ".join(_cell(cells[key], widths[key]) for key, _title in COLUMNS)
            self.stdout.write(line.rstrip())


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
