from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.services import PlanLoadError, plan_files, plans_load_files


class Command(BaseCommand):
    help = "载入方案文件（默认 fixtures/ 下全部 *.json），可重复执行；任一文件有错则全部不载入。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="方案文件路径；不填则载入全部")

    def handle(self, *args, paths, **options):
        files = plan_files(paths, settings.PLAN_FILES_DIR)
        if not files:
            raise CommandError(f"{settings.PLAN_FILES_DIR} 中没有方案文件")
        try:
            plans = plans_load_files(paths=files)
        except PlanLoadError as exc:
            raise CommandError(f"方案文件有误，未载入任何数据：\n{exc}") from exc
        for plan in plans:
            self.stdout.write(
                f"{plan.district.name}: {plan.title} "
                f"（指标 {plan.indicators.count()} 项，任务 {plan.tasks.rows().count()} 条）"
            )
