from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DistrictQuerySet(models.QuerySet):
    def mark_changed(self) -> int:
        """Record that these districts' figures, targets, tasks or progress changed.

        Summaries kept of a district (dashboards.DistrictSnapshot) name the ``data_version``
        they were computed from; a changed version makes them stale. Call it in the same
        transaction as the change, after the change's own writes.
        """
        return self.update(data_version=models.F("data_version") + 1)


class District(models.Model):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    city = models.CharField(_("所属城市"), max_length=32, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区域"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    data_version = models.PositiveIntegerField(_("数据版本"), default=0, editable=False)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["city", "code"]

    def __str__(self):
        return self.name


class Plan(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("方案名称"), max_length=255)
    issuer = models.CharField(_("印发单位"), max_length=128, blank=True)
    issue_date = models.DateField(_("印发日期"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年份"))
    end_year = models.PositiveSmallIntegerField(_("结束年份"))
    source_file = models.CharField(_("原文文件"), max_length=255, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("规划方案")
        verbose_name_plural = _("规划方案")
        ordering = ["district__city", "district__code", "start_year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "title"], name="plan_unique_title"),
            models.CheckConstraint(
                condition=models.Q(start_year__lte=models.F("end_year")),
                name="plan_period_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class Unit(models.Model):
    """An organisation of a district that leads or supports tasks (牵头单位 / 配合单位)."""

    district = models.ForeignKey(
        District, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("单位名称"), max_length=128)
    position = models.PositiveIntegerField(_("排序"), default=0)
    aliases = models.JSONField(_("其他写法"), default=list, blank=True)
    is_group = models.BooleanField(
        _("集合单位"), default=False, help_text=_("如“各开发区”“各街镇”，代表一组单位")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["district__code", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unit_unique_name"),
        ]

    def __str__(self):
        return self.name
