"""An uploaded fill-in workbook, kept between its preview and its confirmation.

The parsed rows live in the database (not in memory or the session), so the preview and the
confirmation may be served by different processes, and nothing is written to figures until
the user confirms.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    APPLIED = "applied", _("已导入")
    DISCARDED = "discarded", _("已放弃")


class FigureUpload(models.Model):
    """A workbook of figures for one plan and year, parsed and waiting for confirmation.

    ``rows`` holds one dict per workbook row, values as strings (decimals) or booleans:
    ``{"row": 5, "indicator": 12, "number": "7", "year": 2023, "value": "21500",
    "numerator": None, "denominator": None, "done": None, "note": "", "reason": "",
    "remedy": "", "change_reason": ""}``. ``versions`` maps ``"<indicator id>:<year>"`` to the
    figure version the workbook was downloaded with (0: no figure then).
    """

    district = models.ForeignKey(
        "plans.District", verbose_name=_("区域"), on_delete=models.CASCADE,
        related_name="figure_uploads",
    )
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("规划方案"), on_delete=models.CASCADE,
        related_name="figure_uploads",
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=UploadStatus.choices, default=UploadStatus.PENDING
    )
    rows = models.JSONField(_("解析结果"), default=list, blank=True)
    versions = models.JSONField(_("下载时的数据版本"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标数据上传")
        verbose_name_plural = _("指标数据上传")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=UploadStatus.values),
                name="figureupload_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.year} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == UploadStatus.PENDING

    def version_for(self, indicator_id: int, year: int) -> int:
        return int(self.versions.get(f"{indicator_id}:{year}", 0))
