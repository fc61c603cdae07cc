"""Mail each reporter their open to-do items and each coordinator the approvals waiting.

Meant for cron, e.g. every Monday at 8:00::

    0 8 * * 1  cd /srv/ipops && .venv/bin/python manage.py send_reminders

Each run sends one mail per user who has something to do (running it again sends the same
mails again; it keeps no state). Exit status 0 when every mail went out.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.choices import Role
from reporting.todo import APPROVE, todo_for


def _absolute(url: str) -> str:
    base = getattr(settings, "PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def reminder_text(user, items, today: datetime.date) -> tuple[str, str]:
    """The subject and body (Chinese) of a user's reminder."""
    overdue = sum(1 for item in items if item.overdue)
    subject = f"知识产权规划指标监测平台：您有 {len(items)} 项待办"
    if overdue:
        subject += f"（{overdue} 项已逾期）"
    name = user.get_full_name() or user.get_username()
    lines = [f"{name}，您好：", "",
             f"截至 {today.isoformat()}，您在知识产权规划指标监测平台有以下待办事项：", ""]
    for number, item in enumerate(items, 1):
        head = f"{number}. 【{item.kind_label}】{item.title}"
        if item.show_count:
            head += f"（{item.count} 项）"
        if item.due_text:
            head += f" —— {item.due_text}，截止 {item.due.isoformat()}"
        lines.append(head)
        if item.detail:
            lines.append(f"   {item.detail}")
        if item.url:
            lines.append(f"   {_absolute(item.url)}")
    lines += ["", f"请登录平台处理：{_absolute('/')}", "（本邮件由系统自动发送，请勿直接回复。）"]
    return subject, "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "给有待办事项的填报员、有待审核数据的区管理员发送提醒邮件（可用于定时任务）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将发送的邮件，不发送")
        parser.add_argument("--today", type=datetime.date.fromisoformat,
                            help="按哪一天计算剩余天数（YYYY-MM-DD，默认今天）")

    def handle(self, *args, dry_run, today, **options):
        today = today or timezone.localdate()
        users = (get_user_model().objects.filter(
                    is_active=True, profile__role__in=[Role.REPORTER, Role.COORDINATOR])
                 .select_related("profile__district", "profile__unit").order_by("username"))
        mails, no_address = [], []
        for user in users:
            items = [item for item in todo_for(user, today) if item.count]  # no bare pointers
            if user.profile.role == Role.COORDINATOR and not any(i.kind == APPROVE for i in items):
                continue
            if not items:
                continue
            if not user.email:
                no_address.append(user.get_username())
                continue
            subject, body = reminder_text(user, items, today)
            mails.append((user, EmailMessage(subject, body, to=[user.email])))

        sent, failed = 0, []
        if dry_run:
            for user, mail in mails:
                self.stdout.write(f"—— 收件人 {user.get_username()} <{mail.to[0]}>\n主题：{mail.subject}\n{mail.body}")
        elif mails:
            connection = get_connection()
            with connection:
                for user, mail in mails:
                    mail.connection = connection
                    try:
                        sent += mail.send()
                    except Exception as exc:  # noqa: BLE001  (report every failure, keep going)
                        failed.append(f"{user.get_username()}（{exc}）")

        verb = "将发送" if dry_run else "已发送"
        count = len(mails) if dry_run else sent
        self.stdout.write(f"{verb}提醒邮件 {count} 封（{today.isoformat()}）。")
        if no_address:
            self.stdout.write(f"跳过 {len(no_address)} 位没有邮箱地址的用户：{'、'.join(no_address)}")
        if failed:
            raise CommandError(f"{len(failed)} 封邮件发送失败：{'；'.join(failed)}")
