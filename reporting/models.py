"""What every reported entry keeps (a figure, a task's progress), and reporting rounds."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.choices import ReviewStatus


def evidence_upload_to(instance, filename: str) -> str:
    """evidence/<model>/<year>/<random>.<ext>: never the uploader's own file name on disk."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{instance._meta.model_name}/{instance.year}/{uuid.uuid4().hex}{suffix}"


class ReportedQuerySet(models.QuerySet):
    def working(self):
        """One entry per key as its reporter works on it: a pending correction in place of the
        approved entry it corrects."""
        return self.filter(correction__isnull=True)

    def originals(self):
        """One entry per key as reviewed: an approved entry, not its pending correction."""
        return self.filter(corrects__isnull=True)


class ReportedEntry(models.Model):
    """The review path, who and when, evidence, the lead unit's reason and remedy, and a version.

    An entry goes draft → submitted → approved, or back to the reporter with a reason. Every
    save raises ``version`` by one: a save that names an older version is refused (optimistic
    locking, see reporting/services.py).

    Correcting an approved entry does not touch it: the correction is a second entry of the
    same key (``corrects`` points to the approved one) that goes through the same path, while
    the approved values keep counting. Approving the correction writes its values onto the
    approved entry and removes it (history keeps both).
    """

    review_status = models.CharField(
        _("审核状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    change_reason = models.TextField(_("修改原因"), blank=True, help_text=_("已审核数据更正时必填"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_late = models.BooleanField(_("逾期提交"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    evidence_file = models.FileField(
        _("佐证材料"), upload_to=evidence_upload_to, blank=True, max_length=255
    )
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=255, blank=True)
    evidence_link = models.URLField(_("佐证链接"), blank=True, max_length=500)
    reason = models.TextField(_("滞后原因"), blank=True)
    remedy = models.TextField(_("整改措施"), blank=True)
    flagged = models.BooleanField(_("待核查"), default=False)
    flag_comment = models.TextField(_("核查意见"), blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核查发起人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    flagged_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    corrects = models.OneToOneField(
        "self", verbose_name=_("更正的已审核数据"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="correction",
    )

    objects = ReportedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def status(self) -> ReviewStatus:
        return ReviewStatus(self.review_status)

    @property
    def has_content(self) -> bool:
        """Whether there is anything to submit (an empty figure is not submitted)."""
        return True

    @property
    def approved_entry(self):
        """The approved version of this key that counts: this entry, the one it corrects, or
        None (read ``corrects`` with select_related to keep this free of queries)."""
        if self.review_status == ReviewStatus.APPROVED:
            return self
        return self.corrects if self.corrects_id else None

    @property
    def submitted_correction(self):
        """This approved entry's correction once submitted for review, else None: what readers
        of approved data are told of (read ``correction`` with select_related)."""
        correction = getattr(self, "correction", None)  # None when there is none
        if correction is not None and correction.review_status == ReviewStatus.SUBMITTED:
            return correction
        return None


class ReportingRound(models.Model):
    """A reporting round (填报轮次) for a year, opened by an admin with a deadline."""

    year = models.PositiveSmallIntegerField(_("填报年度"), unique=True)
    deadline = models.DateField(_("填报截止日期"))
    is_open = models.BooleanField(_("开放填报"), default=True)
    note = models.TextField(_("说明"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("填报轮次")
        verbose_name_plural = _("填报轮次")
        ordering = ["-year"]

    def __str__(self):
        return _("%(year)s 年度填报（截止 %(deadline)s）") % {
            "year": self.year, "deadline": self.deadline.isoformat()
        }
