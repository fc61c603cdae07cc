from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reporting.choices import ReviewStatus
from reporting.models import ReportedEntry
from tasks.choices import ProgressStatus, Quarter


class TaskQuerySet(models.QuerySet):
    def rows(self):
        """The rows at the finest level the plan gives (tasks with no sub-items).

        Said with NOT EXISTS: PostgreSQL estimates the LEFT JOIN … IS NULL form at one row and
        then loops over every plan when many districts are read at once."""
        return self.filter(~models.Exists(Task.objects.filter(parent=models.OuterRef("pk"))))


class TaskSupport(models.Model):
    """A supporting unit of a task, in the order the plan lists them (defined before Task, so
    that the history of Task can keep them)."""

    task = models.ForeignKey("Task", verbose_name=_("任务"), on_delete=models.CASCADE)
    unit = models.ForeignKey("plans.Unit", verbose_name=_("配合单位"), on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("配合单位")
        verbose_name_plural = _("配合单位")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="tasksupport_unique"),
        ]

    def __str__(self):
        return str(self.unit)


TASK_HISTORY = HistoricalRecords(m2m_fields=["supporting_units"])


def record_task_history(task: "Task", history_type: str) -> None:
    """Write a history record of ``task`` as it is now, with its supporting units: "+" for a
    new task, "~" for a change (who: the request's user, or ``task._history_user``)."""
    TASK_HISTORY.create_historical_record(task, history_type)


def record_task_units(task: "Task") -> None:
    """Give the latest history record of ``task`` the supporting units it has now, when they
    were saved after the task (the admin's inline)."""
    record = task.history.latest()
    record.supporting_units.all().delete()
    TASK_HISTORY.create_historical_record_m2ms(record, task)


class Task(models.Model):
    """A node of a plan's task table: action group → task → sub-item, as the plan nests them.

    Headings (nodes with children) keep the heading as printed in ``text``; rows (nodes with
    no children) carry the units responsible.
    """

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("规划方案"), on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("排序"), default=0)
    number = models.CharField(_("编号"), max_length=16, blank=True)
    text = models.TextField(_("内容"))
    lead_unit = models.ForeignKey(
        "plans.Unit", verbose_name=_("牵头单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="led_tasks",
    )
    supporting_units = models.ManyToManyField(
        "plans.Unit", verbose_name=_("配合单位"), blank=True, related_name="supported_tasks",
        through=TaskSupport,
    )
    units_inferred = models.BooleanField(
        _("单位为推定"), default=False, help_text=_("方案未写明责任单位，由转录推定")
    )
    source = models.CharField(_("原文位置"), max_length=255, blank=True)
    note = models.TextField(_("转录说明"), blank=True)
    # Each record keeps the supporting units too, so that a unit added or removed shows in
    # the task's history. Where they are saved after the task (the admin's inline,
    # load_plans), the caller records them (record_task_units, record_task_history).
    history = TASK_HISTORY

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], condition=Q(parent__isnull=True) & ~Q(number=""),
                name="task_unique_top_number",
            ),
            models.UniqueConstraint(
                fields=["parent", "number"], condition=Q(parent__isnull=False) & ~Q(number=""),
                name="task_unique_number",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        if self.number and not self.text.startswith(self.number):
            return f"{self.number} {text}"
        return text


class TaskProgress(ReportedEntry):
    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="progress"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), choices=Quarter.choices, default=Quarter.YEAR
    )
    status = models.CharField(
        _("推进状态"), max_length=16, choices=ProgressStatus.choices,
        default=ProgressStatus.NOT_STARTED,
    )
    percent = models.PositiveSmallIntegerField(
        _("完成百分比"), default=0, validators=[MaxValueValidator(100)]
    )
    narrative = models.TextField(_("进展情况"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["task", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "year", "quarter"], name="taskprogress_unique_period",
                condition=Q(corrects__isnull=True),
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="taskprogress_percent_max"),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values),
                name="taskprogress_review_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=0) & Q(quarter__lte=4), name="taskprogress_quarter_valid"
            ),
        ]

    def __str__(self):
        return f"{self.task} {self.year}"


class TaskContribution(models.Model):
    """What a supporting unit did for a task in a year (配合情况), written by its own reporter."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="contributions"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    unit = models.ForeignKey(
        "plans.Unit", verbose_name=_("配合单位"), on_delete=models.PROTECT,
        related_name="task_contributions",
    )
    note = models.TextField(_("配合情况"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("配合情况")
        verbose_name_plural = _("配合情况")
        ordering = ["task", "year", "unit__position", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "year", "unit"], name="taskcontribution_unique_unit_year"
            ),
        ]

    def __str__(self):
        return f"{self.task} {self.year} {self.unit}"
