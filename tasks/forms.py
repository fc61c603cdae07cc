import django_filters
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from plans.models import Unit
from reporting.choices import ReviewStatus
from reporting.evidence import validate_evidence
from reporting.services import missing_reason
from tasks.choices import ProgressStatus
from tasks.models import Task
from tasks.selectors import unit_rows

NOT_REPORTED = "none"

PERCENT_RANGE = _("完成百分比须为 0 到 100 之间的整数。")


class ProgressForm(forms.Form):
    """The lead unit's entry for one period of a task.

    ``entry`` is the stored entry (None for a new one); ``previous_delayed`` says whether the
    period before was 滞后 (then reason and remedy are required as when this one is);
    ``submitting`` makes the narrative required.
    """

    status = forms.ChoiceField(label=_("推进状态"), choices=ProgressStatus.choices)
    percent = forms.IntegerField(
        label=_("完成百分比"), min_value=0, max_value=100, initial=0,
        error_messages={"min_value": PERCENT_RANGE, "max_value": PERCENT_RANGE,
                        "invalid": PERCENT_RANGE, "required": _("请填写完成百分比。")},
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "class": "percent"}),
        help_text=_("0–100；“已完成”即 100。"),
    )
    narrative = forms.CharField(
        label=_("进展情况"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("本期做了什么、取得了哪些成效；提交审核时必填。"),
    )
    reason = forms.CharField(
        label=_("滞后原因"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )
    remedy = forms.CharField(
        label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_file = forms.FileField(
        label=_("佐证材料"), required=False,
        help_text=_("PDF、图片、Word 或 Excel 文件，不超过 10 MB。"),
    )
    clear_evidence = forms.BooleanField(label=_("删除已上传的佐证材料"), required=False)
    evidence_link = forms.URLField(
        label=_("佐证链接"), required=False, max_length=500, assume_scheme="https",
        help_text=_("也可填写网上公开材料的链接。"),
    )
    change_reason = forms.CharField(
        label=_("修改原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("此项已审核通过；更正须说明原因，保存后重新提交审核。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, entry=None, previous_delayed=False, submitting=False, **kwargs):
        self.entry = entry
        self.previous_delayed = previous_delayed
        self.submitting = submitting
        if entry is not None:
            kwargs.setdefault("initial", {
                "status": entry.status, "percent": entry.percent, "narrative": entry.narrative,
                "reason": entry.reason, "remedy": entry.remedy,
                "evidence_link": entry.evidence_link, "version": entry.version,
                "change_reason": entry.change_reason if entry.corrects_id else "",
            })
        else:
            kwargs.setdefault("initial", {"status": ProgressStatus.IN_PROGRESS, "percent": 0,
                                          "version": 0})
        super().__init__(*args, **kwargs)
        if not self.locked and not (entry is not None and entry.corrects_id):
            del self.fields["change_reason"]  # asked to correct an approved entry, and kept after
        if entry is None or not entry.evidence_file:
            del self.fields["clear_evidence"]
        if previous_delayed:
            for name in ("reason", "remedy"):
                self.fields[name].help_text = _("上期为滞后，须说明原因及整改措施。")
        else:
            self.fields["reason"].help_text = _("推进状态为“滞后”时必填。")
            self.fields["remedy"].help_text = _("推进状态为“滞后”时必填。")

    @property
    def locked(self) -> bool:
        """An approved entry: a change needs a reason."""
        return self.entry is not None and self.entry.review_status == ReviewStatus.APPROVED

    @property
    def needs_reason(self) -> bool:
        status = self.data.get(self.add_prefix("status")) if self.is_bound else \
            self.initial.get("status")
        return status == ProgressStatus.DELAYED or self.previous_delayed

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if isinstance(upload, UploadedFile):
            validate_evidence(upload)
        return upload

    def clean(self):
        data = super().clean()
        status, percent = data.get("status"), data.get("percent")
        if status and percent is not None:
            if status == ProgressStatus.COMPLETED and percent != 100:
                self.add_error("percent", _("推进状态为“已完成”时，完成百分比应为 100。"))
            elif status == ProgressStatus.NOT_STARTED and percent != 0:
                self.add_error("percent", _("推进状态为“未开始”时，完成百分比应为 0。"))
            elif percent == 100 and status in (ProgressStatus.IN_PROGRESS, ProgressStatus.DELAYED):
                self.add_error("percent", _("完成百分比为 100 时，推进状态应为“已完成”。"))
        if status == ProgressStatus.DELAYED or self.previous_delayed:
            why = _("推进状态为“滞后”，须填写滞后原因。") if status == ProgressStatus.DELAYED \
                else _("上期为滞后，须填写滞后原因。")
            how = _("推进状态为“滞后”，须填写整改措施。") if status == ProgressStatus.DELAYED \
                else _("上期为滞后，须填写整改措施。")
            if not data.get("reason", "").strip():
                self.add_error("reason", why)
            if not data.get("remedy", "").strip():
                self.add_error("remedy", how)
        if self.submitting and not data.get("narrative", "").strip():
            self.add_error("narrative", _("提交审核前请填写进展情况。"))
        if "change_reason" in self.fields:  # with the other errors, as entries_save would say it
            files = bool(data.get("evidence_file") or data.get("clear_evidence"))
            missing = missing_reason(self.entry, self._values(data), data.get("change_reason", ""),
                                     files=files)
            if missing:
                self.add_error("change_reason", missing)
        return data

    VALUES = ("status", "percent", "narrative", "reason", "remedy", "evidence_link")

    def _values(self, data) -> dict:
        """The values to store, an invalid one (not in ``data``) as the entry has it."""
        values = {name: data[name] if name in data else getattr(self.entry, name, None)
                  for name in self.VALUES}
        for name in ("narrative", "reason", "remedy"):
            values[name] = (values[name] or "").strip()
        return values

    def entry_values(self) -> dict:
        """The values to store (reporting.services.entries_save ``values``)."""
        data = self.cleaned_data
        values = self._values(data)
        upload = data.get("evidence_file")
        if isinstance(upload, UploadedFile):
            values["evidence_file"] = upload
        elif data.get("clear_evidence"):
            values["evidence_file"] = ""
            values["evidence_name"] = ""
        return values


class ContributionForm(forms.Form):
    note = forms.CharField(
        label=_("配合情况"), widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请填写本单位的配合情况。")},
        help_text=_("本单位本年度为该任务做了哪些配合工作。"),
    )


class ProgressFilterSet(django_filters.FilterSet):
    """Filters of the progress list: a unit (leading or supporting), progress and review status.

    The statuses are those of each row's latest entry of the year (see tasks.selectors.task_rows).
    """

    unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"), queryset=Unit.objects.none(), method="filter_unit",
        empty_label=_("全部单位"),
    )
    status = django_filters.ChoiceFilter(
        label=_("推进状态"), method="filter_status", empty_label=_("全部"),
        choices=[*ProgressStatus.choices, (NOT_REPORTED, _("未填报"))],
    )
    review = django_filters.ChoiceFilter(
        label=_("审核状态"), method="filter_review", empty_label=_("全部"),
        choices=[*ReviewStatus.choices, (NOT_REPORTED, _("未填报"))],
    )

    class Meta:
        model = Task
        fields = []

    def __init__(self, *args, district=None, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.filters["unit"].queryset = Unit.objects.filter(district=district).order_by(
                "position", "name")
        else:
            del self.filters["unit"]

    def filter_unit(self, queryset, name, value):
        return unit_rows(queryset, value.pk)

    def filter_status(self, queryset, name, value):
        if value == NOT_REPORTED:
            return queryset.filter(progress_status__isnull=True)
        return queryset.filter(progress_status=value)

    def filter_review(self, queryset, name, value):
        if value == NOT_REPORTED:
            return queryset.filter(progress_review__isnull=True)
        return queryset.filter(progress_review=value)
