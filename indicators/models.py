from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.choices import Attribute, Comparator, Concept, Direction, Kind
from ipops.numbers import plain_number
from reporting.choices import ReviewStatus
from reporting.models import ReportedEntry

VALUE = {"max_digits": 20, "decimal_places": 4, "null": True, "blank": True}


class Indicator(models.Model):
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("规划方案"), on_delete=models.CASCADE,
        related_name="indicators",
    )
    position = models.PositiveIntegerField(_("排序"), default=0)
    number = models.CharField(
        _("序号"), max_length=16, help_text=_("按方案印刷的序号；正文中的目标编为 T1、T2…")
    )
    name = models.CharField(_("指标名称"), max_length=255)
    unit = models.CharField(_("计量单位"), max_length=32, blank=True)
    category = models.CharField(_("类别"), max_length=32, blank=True)
    attribute = models.CharField(_("指标属性"), max_length=16, choices=Attribute.choices, blank=True)
    kind = models.CharField(_("指标类型"), max_length=16, choices=Kind.choices)
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    concept = models.CharField(_("概念标签"), max_length=64, choices=Concept.choices, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基础值年份"), null=True, blank=True)
    baseline_value = models.DecimalField(_("基础值"), **VALUE)
    quantity_name = models.CharField(
        _("基础量名称"), max_length=128, blank=True,
        help_text=_("增长率指标：填报的基础量，如“质押融资登记金额”"),
    )
    quantity_unit = models.CharField(_("基础量单位"), max_length=32, blank=True)
    quantity_indicator = models.ForeignKey(
        "self", verbose_name=_("基础量指标"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="growth_indicators",
        help_text=_("增长率指标：使用同一方案中另一指标的实际值和基础值"),
    )
    source = models.CharField(_("原文位置"), max_length=255, blank=True)
    note = models.TextField(_("转录说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="indicator_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def clean(self):
        linked = self.quantity_indicator
        if linked is None:
            return
        if linked.plan_id != self.plan_id or linked.pk == self.pk:
            raise ValidationError({"quantity_indicator": _("基础量指标须为同一方案中的另一指标")})
        if self.kind != Kind.GROWTH:
            raise ValidationError({"quantity_indicator": _("只有增长率指标才能指定基础量指标")})


class Target(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("目标值"), **VALUE)
    low = models.DecimalField(_("区间下限"), **VALUE)
    high = models.DecimalField(_("区间上限"), **VALUE)
    comparator = models.CharField(
        _("比较符"), max_length=8, choices=Comparator.choices, default=Comparator.GTE, blank=True
    )
    text = models.CharField(_("文字目标"), max_length=64, blank=True, help_text=_("如：验收、完成"))
    original_value = models.DecimalField(_("原目标值"), **VALUE)
    adjustment_reason = models.TextField(_("调整原因"), blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整批准人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    adjusted_at = models.DateTimeField(_("调整时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标值")
        verbose_name_plural = _("目标值")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year"),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                name="target_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(comparator__in=Comparator.values), name="target_comparator_valid"
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.display}"

    @property
    def display(self) -> str:
        """The target as a reader would write it: ≥25000, 3–5, 验收."""
        if self.comparator == Comparator.BETWEEN:
            return f"{_num(self.low)}–{_num(self.high)}"
        if self.comparator == Comparator.TEXT:
            return self.text
        return f"{Comparator(self.comparator).label}{_num(self.value)}"


def _num(value) -> str:
    """A stored decimal as printed: 25000, 0.7, 23.3."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


class Figure(ReportedEntry):
    """An actual value reported for an indicator and year."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("实际值"), **VALUE)
    done = models.BooleanField(_("已完成"), null=True, blank=True, help_text=_("里程碑指标填写"))
    numerator = models.DecimalField(_("分子"), **VALUE)
    denominator = models.DecimalField(_("分母"), **VALUE)
    note = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("实际值")
        verbose_name_plural = _("实际值")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="figure_unique_year",
                                    condition=Q(corrects__isnull=True)),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values), name="figure_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}"

    @property
    def has_content(self) -> bool:
        return self.value is not None or self.done is not None

    @property
    def shown(self) -> str:
        """The figure as pages write it: 已完成 / 未完成 for a milestone, else its number."""
        if self.done is not None:
            return str(_("已完成") if self.done else _("未完成"))
        return plain_number(self.value)
from indicators.uploads import FigureUpload  # noqa: E402,F401
