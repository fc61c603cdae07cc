from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("规划方案")

    def ready(self):
        from plans import signals

        signals.connect()
