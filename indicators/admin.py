from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Figure, Indicator, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["year", "comparator", "value", "low", "high", "text", "original_value",
              "adjustment_reason"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "plan_district", "unit", "category", "attribute", "kind",
                    "direction", "baseline_value", "baseline_year", "target_list"]
    list_display_links = ["number", "name"]
    list_filter = ["plan__district", "kind", "direction", "attribute", "category", "concept"]
    search_fields = ["name", "number", "note"]
    list_select_related = ["plan__district"]
    inlines = [TargetInline]
    autocomplete_fields = ["quantity_indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("targets")

    @admin.display(description="目标值")
    def target_list(self, obj):
        return "；".join(f"{t.year}: {t.display}" for t in obj.targets.all())

    @admin.display(description="区域", ordering="plan__district__code")
    def plan_district(self, obj):
        return obj.plan.district


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "comparator", "value", "low", "high", "text"]
    list_filter = ["indicator__plan__district", "year", "comparator"]
    search_fields = ["indicator__name"]
    list_select_related = ["indicator__plan"]
    autocomplete_fields = ["indicator"]


@admin.register(Figure)
class FigureAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "value", "done", "review_status", "updated_by",
                    "updated_at"]
    list_filter = ["indicator__plan__district", "year", "review_status"]
    search_fields = ["indicator__name", "note"]
    list_select_related = ["indicator__plan", "updated_by"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["created_at", "updated_at"]
