from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from accounts import rules  # noqa: F401  (registers the permissions)
        from accounts import sessions  # noqa: F401  (records the login time of a session)
