from django.contrib import admin
from django.db.models import Count

from plans.models import District, Plan, Unit


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "parent"]
    list_filter = ["city"]
    search_fields = ["code", "name"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "period_label", "issuer", "issue_date", "indicator_count"]
    list_filter = ["district"]
    search_fields = ["title", "issuer"]
    list_select_related = ["district"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_indicators=Count("indicators"))

    @admin.display(description="指标数", ordering="n_indicators")
    def indicator_count(self, obj):
        return obj.n_indicators


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "is_group", "aliases"]
    list_filter = ["district", "is_group"]
    search_fields = ["name"]
    list_select_related = ["district"]
