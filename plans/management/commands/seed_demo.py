import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.demo import demo_clear, demo_seed, login_file
from plans.models import Plan


class Command(BaseCommand):
    help = ("本地演示：创建示例账号、示例数据（已审核的实际值、任务进展）和填报轮次；可重复执行。"
            "--clear 删除全部示例数据和示例账号。仅在 DEBUG 下可用。")

    def add_arguments(self, parser):
        parser.add_argument("--clear", action="store_true", help="删除示例数据、示例轮次和示例账号")

    def handle(self, *args, clear, **options):
        if not settings.DEBUG:
            raise CommandError("只用于本地演示（DEBUG=1）；生产环境不要载入示例数据。")
        started = time.monotonic()
        if clear:
            result = demo_clear()
            self.stdout.write(
                f"已删除示例数据：实际值 {result.figures} 条，任务进展 {result.progress} 条，"
                f"填报轮次 {result.rounds} 个，示例账号 {len(result.accounts)} 个。"
            )
            return
        if not Plan.objects.exists():
            raise CommandError("还没有载入规划方案，请先运行 python manage.py load_plans。")
        result = demo_seed()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"示例数据：新增实际值 {result.figures} 条，任务进展 {result.progress} 条，"
            f"填报轮次 {result.rounds} 个（{seconds:.1f} 秒；已有的数据保持不变）。"
        )
        self.stdout.write("示例账号 / Demo logins（密码保存在 "
                          f"{login_file().name}，已被 git 忽略）：")
        width = max(len(login.account.username) for login in result.logins)
        for login in result.logins:
            mark = "（新建）" if login.created else "（已重置密码）" if login.reset else ""
            self.stdout.write(f"  {login.account.username:<{width}}  {login.password}  "
                              f"{login.account.label}{mark}")
