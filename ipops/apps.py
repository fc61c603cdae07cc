import axes.apps
from django.utils.translation import gettext_lazy as _


class AxesConfig(axes.apps.AppConfig):
    """django-axes (login throttling) under a name in the portal's words in the admin; its own
    model and field names are translated in locale/zh_Hans (the package has no Chinese)."""

    verbose_name = _("登录失败记录")
