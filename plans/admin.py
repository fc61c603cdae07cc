"""The admin, where plans are corrected, and the pieces the other apps' admins share:
decimals shown as people write them (6, not 6.0000) in lists and forms."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from ipops.numbers import plain_number, shown_value  # noqa: F401  (plain_number: for the admins)
from plans.models import District, Plan, Unit


def cut(text: str, length: int) -> str:
    """Text shortened to ``length`` characters, ending in "…" when something was cut."""
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


class PlainDecimalField(forms.DecimalField):
    """A decimal form field that shows its stored value without the trailing zeros."""

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return plain_number(value)
        return value


# ``formfield_overrides`` for every admin with decimal fields.
PLAIN_DECIMALS = {
    models.DecimalField: {
        "form_class": PlainDecimalField,
        "widget": forms.NumberInput(attrs={"class": "vDecimalField", "step": "any"}),
    },
}


class PlainHistoryHelper(HistoricalRecordContextHelper):
    """History changes as people read them: 6 not 6.0000, 已审核 not approved, （空） not None."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):  # a task's supporting units
            rows = sorted(value, key=lambda row: row.get("position", 0))  # the plan's order
            units = super().prepare_delta_change_value(change, rows)
            return pgettext("list separator", "、").join(map(str, units)) or shown_value(None)
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, DeletedObject):  # an empty link, or one to a deleted object
            if value.pk is None:
                return shown_value(None)
            return _("已删除的%(model)s（编号 %(pk)s）") % {
                "model": value.model._meta.verbose_name, "pk": value.pk}
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return pgettext("list separator", "、").join(value) or shown_value(None)  # aliases
        if getattr(field, "choices", None) and value not in (None, ""):
            return dict(field.flatchoices).get(value, value)
        return shown_value(value)


class PlainHistoryMixin:
    """For SimpleHistoryAdmin classes: the history page's changes through PlainHistoryHelper."""

    def get_historical_record_context_helper(self, request, historical_record):
        return PlainHistoryHelper(self.model, historical_record)


def grey_tag(text) -> str:
    """A neutral label in a list column (not the red/green boolean icon)."""
    return format_html('<span class="ipops-tag">{}</span>', text)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "parent"]
    list_filter = ["city"]
    search_fields = ["code", "name"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "period_label", "issuer_shown", "issue_date",
                    "indicator_count", "task_row_count"]
    list_filter = ["district"]
    search_fields = ["title", "issuer"]
    list_select_related = ["district"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_indicators=Count("indicators", distinct=True),
            n_task_rows=Count("tasks", filter=Q(tasks__children__isnull=True), distinct=True),
        )

    @admin.display(description=_("印发单位"), ordering="issuer")
    def issuer_shown(self, obj):
        return obj.issuer or grey_tag(_("原文未写明"))

    @admin.display(description=_("指标（项）"), ordering="n_indicators")
    def indicator_count(self, obj):
        return obj.n_indicators

    @admin.display(description=_("任务行（条）"), ordering="n_task_rows")
    def task_row_count(self, obj):
        return obj.n_task_rows


@admin.register(Unit)
class UnitAdmin(PlainHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name", "district", "group_shown", "aliases_shown"]
    list_filter = ["district", "is_group"]
    search_fields = ["name"]
    list_select_related = ["district"]

    @admin.display(description=_("集合单位"), ordering="is_group")
    def group_shown(self, obj):
        return grey_tag(_("集合单位")) if obj.is_group else ""

    @admin.display(description=_("其他写法"))
    def aliases_shown(self, obj):
        return pgettext("list separator", "、").join(obj.aliases or [])
