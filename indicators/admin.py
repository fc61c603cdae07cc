from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Figure, Indicator, Target
from ipops.text import bracketed
from plans.admin import PLAIN_DECIMALS, PlainHistoryMixin, cut, plain_number
from reporting.admin import ReadOnlyEntryAdmin



class TargetInline(admin.StackedInline):
    """One block per target year: the target on one line, its adjustment on the next, so the
    form fits a 1366 px screen with every field in view."""

    model = Target
    extra = 0
    formfield_overrides = PLAIN_DECIMALS
    classes = ["ipops-targets"]
    fieldsets = [
        (None, {"fields": [("year", "comparator", "value", "low", "high", "text")]}),
        (None, {"fields": [("original_value", "adjustment_reason", "adjusted_by",
                            "adjusted_at")]}),
    ]
    readonly_fields = ["adjusted_by", "adjusted_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "adjustment_reason":
            field.widget.attrs.update({"rows": 2, "cols": 40})
        if db_field.name == "year":
            field.widget.attrs.update({"class": "vYearField"})
        return field


@admin.register(Indicator)
class IndicatorAdmin(PlainHistoryMixin, SimpleHistoryAdmin):
    list_display = ["number", "name", "plan_district", "unit", "kind", "baseline", "target_list"]
    list_display_links = ["number", "name"]
    list_filter = ["plan__district", "kind", "direction", "attribute", "category", "concept"]
    search_fields = ["name", "number", "note"]
    list_select_related = ["plan__district"]
    inlines = [TargetInline]
    autocomplete_fields = ["quantity_indicator"]
    formfield_overrides = PLAIN_DECIMALS

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("targets")

    @admin.display(description=_("目标值"))
    def target_list(self, obj):
        return pgettext("clause separator", "；").join(
            f"{t.year}: {t.display}" for t in obj.targets.all())

    @admin.display(description=_("基础值"), ordering="baseline_value")
    def baseline(self, obj):
        if obj.baseline_value is None:
            return _("（%(year)s 年为基期）") % {"year": obj.baseline_year} \
                if obj.baseline_year else "—"
        year = bracketed(obj.baseline_year) if obj.baseline_year else ""
        return f"{plain_number(obj.baseline_value)}{year}"

    @admin.display(description=_("区域"), ordering="plan__district__code")
    def plan_district(self, obj):
        return obj.plan.district


@admin.register(Target)
class TargetAdmin(PlainHistoryMixin, SimpleHistoryAdmin):
    list_display = ["indicator", "year", "shown", "original", "reason"]
    list_filter = ["indicator__plan__district", "year", "comparator"]
    search_fields = ["indicator__name"]
    list_select_related = ["indicator__plan"]
    autocomplete_fields = ["indicator"]
    formfield_overrides = PLAIN_DECIMALS
    readonly_fields = ["adjusted_by", "adjusted_at"]

    @admin.display(description=_("目标"), ordering="value")
    def shown(self, obj):
        return obj.display

    @admin.display(description=_("原目标值"), ordering="original_value")
    def original(self, obj):
        return plain_number(obj.original_value) or "—"

    @admin.display(description=_("调整原因"))
    def reason(self, obj):
        return cut(obj.adjustment_reason, 40) or "—"


@admin.register(Figure)
class FigureAdmin(ReadOnlyEntryAdmin, PlainHistoryMixin, SimpleHistoryAdmin):
    list_display = ["indicator", "year", "shown_value", "review_status", "updated_by",
                    "updated_at"]
    list_filter = ["indicator__plan__district", "year", "review_status"]
    search_fields = ["indicator__name", "note"]
    list_select_related = ["indicator__plan", "updated_by"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {**PLAIN_DECIMALS,
                           models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    fieldsets = [
        (None, {"description": _("实际值只在门户中填报、审核和更正（有版本控制和审核流程），此处只读。"),
                "fields": ["indicator", "year", "shown_value", "note"]}),
        (_("审核"), {"fields": ["review_status", "return_reason", "change_reason",
                               ("submitted_at", "submitted_late"), ("approved_by", "approved_at"),
                               "version"]}),
        (_("滞后原因、整改措施与佐证"), {"classes": ["collapse"], "fields": [
            "reason", "remedy", "evidence_file", "evidence_name", "evidence_link"]}),
        (_("核查"), {"classes": ["collapse"], "fields": [
            "flagged", "flag_comment", ("flagged_by", "flagged_at")]}),
        (_("记录"), {"classes": ["collapse"], "fields": [
            "is_sample", ("created_by", "created_at"), ("updated_by", "updated_at")]}),
    ]

    @admin.display(description=_("实际值"), ordering="value")
    def shown_value(self, obj):
        if obj.done is not None:
            return _("已完成") if obj.done else _("未完成")
        if obj.value is None:
            return "—"
        ratio = ""
        if obj.numerator is not None and obj.denominator is not None:
            ratio = bracketed(f"{plain_number(obj.numerator)} ÷ {plain_number(obj.denominator)}")
        return f"{plain_number(obj.value)}{ratio}"
