from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import ReportingRound


class DateInput(forms.DateInput):
    input_type = "date"


class ReportingRoundForm(forms.ModelForm):
    """Open a reporting round for a year (one round per year)."""

    class Meta:
        model = ReportingRound
        fields = ["year", "deadline", "note"]
        widgets = {
            "deadline": DateInput(format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "year": _("填报哪一年的实际值和任务进展，如 2025"),
            "deadline": _("逾期提交的数据会标记为“逾期”"),
        }

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("请填写 2000 至 2100 之间的年份。"))
        if year > timezone.localdate().year:
            raise forms.ValidationError(
                _("%(year)s 年尚未开始，不能开启该年度的填报。") % {"year": year})
        if ReportingRound.objects.filter(year=year).exists():
            raise forms.ValidationError(
                _("%(year)s 年度的填报轮次已存在，每年只能有一个填报轮次。"
                  "如需延长截止日期或重新开放，请在下方列表中操作。") % {"year": year}
            )
        return year

    def clean(self):
        cleaned = super().clean()
        error = deadline_error(cleaned.get("year"), cleaned.get("deadline"))
        if error:
            self.add_error("deadline", error)
        return cleaned

    def validate_unique(self):
        # The year's uniqueness is checked in clean_year, with a clearer message.
        pass


def deadline_error(year, deadline):
    """A round collects a year's figures: its deadline cannot come before that year begins."""
    if year and deadline and deadline.year < year:
        return forms.ValidationError(
            _("截止日期不能早于 %(year)s 年度开始（%(year)s-01-01）。") % {"year": year},
            code="before_year")
    return None


class DeadlineForm(forms.ModelForm):
    """Move a round's deadline (延长或提前截止日期)."""

    class Meta:
        model = ReportingRound
        fields = ["deadline"]
        widgets = {"deadline": DateInput(format="%Y-%m-%d")}

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        error = deadline_error(self.instance.year, deadline)
        if error:
            raise error
        return deadline
