from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        from accounts import rules  # noqa: F401  (registers the permissions)
        from accounts import sessions  # noqa: F401  (records the login time of a session)
