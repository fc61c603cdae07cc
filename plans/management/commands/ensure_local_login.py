import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plans.demo import login_file, logins_read, logins_write


class Command(BaseCommand):
    help = "本地运行时确保有一个管理员账号，并打印登录方式（仅在 DEBUG 下可用）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("只用于本地运行（DEBUG=1）；生产环境请用 createsuperuser。")
        # The file is shared with seed_demo: one username:password line per account.
        logins = logins_read()
        user = get_user_model().objects.filter(username=username).first()
        password = logins.get(username)
        if user is None or not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            user = user or get_user_model()(username=username)
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
            logins[username] = password
            logins_write(logins)
        elif not (user.is_staff and user.is_superuser and user.is_active):
            user.is_staff = user.is_superuser = user.is_active = True
            user.save(update_fields=["is_staff", "is_superuser", "is_active"])
        self.stdout.write(
            f"登录 / Log in: 用户名 {username}  密码 {password}\n"
            f"（本机随机生成，保存在 {login_file().name}，已被 git 忽略）"
        )
