from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.planfile import dump_plans
from plans.selectors import plans_export


class Command(BaseCommand):
    help = "以方案文件格式导出已载入的方案（JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--district", help="区代码，如 binhai；不填则导出全部")
        parser.add_argument(
            "--output",
            help="写入的文件；若为目录，则每个方案写为 <区代码>.json（可直接覆盖 fixtures/ 中的方案文件）",
        )

    def handle(self, *args, district, output, **options):
        data = plans_export(district_code=district)
        if district and not data["plans"]:
            raise CommandError(f"没有区代码为 {district} 的方案")
        if not output:
            self.stdout.write(dump_plans(data), ending="")
            return
        target = Path(output)
        if target.is_dir():
            for plan in data["plans"]:
                path = target / f"{plan['district_code']}.json"
                path.write_text(dump_plans({"plans": [plan]}), encoding="utf-8")
                self.stderr.write(f"已写入 {path}")
        else:
            target.write_text(dump_plans(data), encoding="utf-8")
            self.stderr.write(f"已写入 {target}")
