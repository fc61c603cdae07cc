from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.renderers import GRID_RENDERER
from indicators.services import FigureRow, GridRow
from ipops.numbers import plain_number
from reporting.choices import ReviewStatus
from reporting.evidence import validate_evidence

# The fields of the year's figure; each also posts its value as loaded, to tell what changed.
MAIN_FIELDS = ("value", "done", "numerator", "denominator", "note", "reason", "remedy",
               "change_reason", "evidence_link", "evidence_file")
TRACKED = ("value", "done", "numerator", "denominator", "note", "reason", "remedy",
           "evidence_link", "base_value")
# Shown without a <label> of their own (a select, "= a ÷ b", a placeholder): named by aria-label.
UNLABELLED = ("done", "numerator", "denominator", "note")

DONE_CHOICES = [("", _("未填")), ("yes", _("已完成")), ("no", _("未完成"))]
NUMBER = {
    "required": False, "max_digits": 16, "decimal_places": 4, "localize": False,
    "error_messages": {
        "invalid": _("请输入一个数字（如 1250 或 3.5），不要带单位、逗号或文字。"),
        "max_digits": _("数字过长：整数部分最多 12 位。"),
        "max_decimal_places": _("最多保留 4 位小数。"),
        "max_whole_digits": _("数字过长：整数部分最多 12 位。"),
    },
}


# A value typed in the grid, checked before its status is previewed as it will be when saved.
PREVIEW_NUMBER = forms.DecimalField(**NUMBER)


def _number_input(css="num-input"):
    return forms.TextInput(attrs={"class": css, "inputmode": "decimal", "autocomplete": "off"})


def _omitted_fields(row: GridRow) -> set[str]:
    """The fields a row does not ask for, by its kind, ratio, quantity link and base year."""
    if row.kind == "milestone":  # a linked one reads its quantity's figures: nothing to enter
        return {"value", "numerator", "denominator", "base_value"} | (
            {"done"} if row.linked else set())
    omitted = {"done"}
    if not row.ratio:
        omitted |= {"numerator", "denominator"}
    if row.linked:
        omitted.add("value")
    if not row.base_year:
        omitted.add("base_value")
    return omitted


class FigureForm(forms.Form):
    """One indicator's inputs in the entry grid; which fields show depends on its kind."""

    default_renderer = GRID_RENDERER  # the widgets without a template each

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    value = forms.DecimalField(label=_("实际值"), widget=_number_input(), **NUMBER)
    done = forms.ChoiceField(label=_("完成情况"), choices=DONE_CHOICES, required=False)
    numerator = forms.DecimalField(label=_("分子"), widget=_number_input("num-input small"), **NUMBER)
    denominator = forms.DecimalField(label=_("分母"), widget=_number_input("num-input small"),
                                     **NUMBER)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000,
                           widget=forms.TextInput(attrs={"placeholder": _("说明（选填）"),
                                                         "class": "note-input"}))
    reason = forms.CharField(label=_("滞后原因"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    remedy = forms.CharField(label=_("整改措施"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    change_reason = forms.CharField(label=_("修改原因"), required=False, max_length=2000,
                                    help_text=_("更正已审核的数据时必填"))
    evidence_link = forms.URLField(label=_("佐证链接"), required=False, max_length=500,
                                   assume_scheme="https")
    evidence_file = forms.FileField(label=_("佐证材料"), required=False,
                                    validators=[validate_evidence])
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    base_value = forms.DecimalField(label=_("基期数值"), widget=_number_input(), **NUMBER)

    def __init__(self, *args, row: GridRow, **kwargs):
        self.row = row
        figure, base = row.figure, row.base_figure
        initial = {"version": figure.version if figure else 0,
                   "base_version": base.version if base else 0}
        if figure:
            initial.update(  # stored decimals as typed: 21500, not 21500.0000
                value=plain_number(figure.value), numerator=plain_number(figure.numerator),
                denominator=plain_number(figure.denominator),
                note=figure.note, reason=figure.reason, remedy=figure.remedy,
                evidence_link=figure.evidence_link,
                done={True: "yes", False: "no"}.get(figure.done, ""),
                change_reason=figure.change_reason if figure.corrects_id else "",
            )
        if base:
            initial["base_value"] = plain_number(base.value)
        # Only this row's fields: Django deep-copies base_fields for each form (60 in a grid).
        omitted = _omitted_fields(row)
        self.base_fields = {n: f for n, f in self.base_fields.items() if n not in omitted}
        super().__init__(*args, initial=initial, prefix=f"i{row.indicator.pk}", **kwargs)
        if row.kind == "growth" and "value" in self.fields:
            self.fields["value"].label = row.indicator.quantity_name or _("基础量")
        if not row.needs_reason:
            self.fields["reason"].widget.attrs["data-optional"] = "1"
        for name in UNLABELLED:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-label"] = self.fields[name].label
        for name in TRACKED:
            if name in self.fields:
                self.fields[name].show_hidden_initial = True
        self.locked = bool(figure and figure.review_status == ReviewStatus.APPROVED)
        self.warnings = []
        if self.locked:
            for name in ("value", "numerator", "denominator", "note", "base_value"):
                if name in self.fields:
                    self.fields[name].widget.attrs["readonly"] = "readonly"
            if "done" in self.fields:
                self.fields["done"].widget.attrs["data-locked"] = "1"

    @property
    def indicator(self):
        return self.row.indicator

    def rows(self, year: int) -> list[FigureRow]:
        """The figure rows this form asks to store: only what the user changed on the page.

        A row left as it was loaded is not saved (so another person's save of it meanwhile is
        no conflict); each field carries its value as loaded (``show_hidden_initial``).
        """
        data, indicator = self.cleaned_data, self.row.indicator
        changed = set(self.changed_data)
        rows = []
        if changed & set(MAIN_FIELDS):
            done = {"yes": True, "no": False}.get(data.get("done") or "")
            rows.append(FigureRow(
                indicator=indicator, version=data["version"], value=data.get("value"), done=done,
                numerator=data.get("numerator"), denominator=data.get("denominator"),
                note=data.get("note", ""), change_reason=data.get("change_reason", ""),
                reason=data.get("reason", ""), remedy=data.get("remedy", ""),
                evidence_link=data.get("evidence_link", ""),
                evidence_file=data.get("evidence_file"),
            ))
        if self.row.base_year and "base_value" in changed:
            rows.append(FigureRow(
                indicator=indicator, version=data.get("base_version") or 0,
                value=data.get("base_value"), year=self.row.base_year,
                change_reason=data.get("change_reason", ""),
            ))
        return rows

    def add_errors(self, errors: dict) -> None:
        for field_name, messages in errors.items():
            target = field_name if field_name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class TargetAdjustForm(forms.Form):
    value = forms.DecimalField(label=_("调整后目标值"), max_digits=16, decimal_places=4,
                               localize=False)
    reason = forms.CharField(label=_("调整原因"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value < 0:
            raise forms.ValidationError(_("目标值不能为负数。"))
        return value


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)


class FlagForm(forms.Form):
    comment = forms.CharField(label=_("核查意见"), widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=2000)


def decimal_or_none(text: str):
    try:
        return Decimal(text) if text not in (None, "") else None
    except ArithmeticError:
        return None
