from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks.models import Task, TaskContribution, TaskProgress, TaskSupport


class TaskSupportInline(admin.TabularInline):
    model = TaskSupport
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["number", "short_text", "plan_district", "lead_unit", "units_inferred"]
    list_display_links = ["number", "short_text"]
    list_filter = ["plan__district", "units_inferred"]
    search_fields = ["number", "text", "lead_unit__name"]
    list_select_related = ["plan__district", "lead_unit"]
    autocomplete_fields = ["parent", "lead_unit"]
    inlines = [TaskSupportInline]

    @admin.display(description="内容")
    def short_text(self, obj):
        return obj.text[:50]

    @admin.display(description="区域", ordering="plan__district__code")
    def plan_district(self, obj):
        return obj.plan.district


@admin.register(TaskProgress)
class TaskProgressAdmin(SimpleHistoryAdmin):
    list_display = ["task", "year", "quarter", "status", "percent", "review_status", "updated_by"]
    list_filter = ["task__plan__district", "year", "status", "review_status"]
    search_fields = ["task__text", "narrative"]
    list_select_related = ["task", "updated_by"]
    autocomplete_fields = ["task"]


@admin.register(TaskContribution)
class TaskContributionAdmin(SimpleHistoryAdmin):
    list_display = ["task", "year", "unit", "updated_by", "updated_at"]
    list_filter = ["task__plan__district", "year"]
    search_fields = ["task__text", "unit__name", "note"]
    list_select_related = ["task", "unit", "updated_by"]
    autocomplete_fields = ["task", "unit"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
