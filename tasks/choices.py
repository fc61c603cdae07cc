from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    COMPLETED = "completed", _("已完成")
    DELAYED = "delayed", _("滞后")


class Quarter(models.IntegerChoices):
    YEAR = 0, _("全年")
    Q1 = 1, _("第一季度")
    Q2 = 2, _("第二季度")
    Q3 = 3, _("第三季度")
    Q4 = 4, _("第四季度")
