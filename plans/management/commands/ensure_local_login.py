import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS = Path(settings.BASE_DIR) / "local-login.txt"


class Command(BaseCommand):
    help = "本地运行时确保有一个管理员账号，并打印登录方式（仅在 DEBUG 下可用）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("只用于本地运行（DEBUG=1）；生产环境请用 createsuperuser。")
        password = None
        if CREDENTIALS.exists():
            stored_user, _, stored_password = CREDENTIALS.read_text().strip().partition(":")
            if stored_user == username and authenticate(username=username, password=stored_password):
                password = stored_password
        if password is None:
            password = secrets.token_urlsafe(12)
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            CREDENTIALS.write_text(f"{username}:{password}\n")
            CREDENTIALS.chmod(0o600)
        self.stdout.write(
            f"登录 / Log in: 用户名 {username}  密码 {password}\n"
            f"（本机随机生成，保存在 {CREDENTIALS.name}，已被 git 忽略）"
        )
