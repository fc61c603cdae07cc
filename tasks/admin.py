from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans.admin import PlainHistoryMixin, cut, grey_tag
from reporting.admin import ReadOnlyEntryAdmin
from tasks.models import Task, TaskContribution, TaskProgress, TaskSupport, record_task_units


def task_label(task) -> str:
    """A task in a list column: its number and its text cut with an ellipsis."""
    text = cut(task.text, 40)
    return f"{task.number} {text}" if task.number and not task.text.startswith(task.number) \
        else text


class TaskSupportInline(admin.TabularInline):
    model = TaskSupport
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Task)
class TaskAdmin(PlainHistoryMixin, SimpleHistoryAdmin):
    list_display = ["number", "short_text", "plan_district", "lead_unit", "units_shown"]
    list_display_links = ["number", "short_text"]
    list_filter = ["plan__district", "units_inferred"]
    search_fields = ["number", "text", "lead_unit__name"]
    list_select_related = ["plan__district", "lead_unit"]
    autocomplete_fields = ["parent", "lead_unit"]
    inlines = [TaskSupportInline]

    def save_related(self, request, form, formsets, change):
        """The history record that save_model wrote holds the units from before the inline
        was saved: it gets them as the inline left them (one record per save, with both)."""
        super().save_related(request, form, formsets, change)
        record_task_units(form.instance)

    @admin.display(description=_("内容"))
    def short_text(self, obj):
        return cut(obj.text, 60)

    @admin.display(description=_("区域"), ordering="plan__district__code")
    def plan_district(self, obj):
        return obj.plan.district

    @admin.display(description=_("责任单位来源"), ordering="units_inferred")
    def units_shown(self, obj):
        """Inferred units are a transcription note, not an error: a grey word, no red icon."""
        return grey_tag(_("推定")) if obj.units_inferred else ""


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyEntryAdmin, PlainHistoryMixin, SimpleHistoryAdmin):
    list_display = ["task_shown", "year", "quarter", "status", "percent", "review_status",
                    "updated_by"]
    list_filter = ["task__plan__district", "year", "status", "review_status"]
    search_fields = ["task__text", "narrative"]
    list_select_related = ["task", "updated_by"]
    autocomplete_fields = ["task"]

    @admin.display(description=_("任务"), ordering="task__position")
    def task_shown(self, obj):
        return task_label(obj.task)


@admin.register(TaskContribution)
class TaskContributionAdmin(PlainHistoryMixin, SimpleHistoryAdmin):
    list_display = ["task_shown", "year", "unit", "updated_by", "updated_at"]
    list_filter = ["task__plan__district", "year"]
    search_fields = ["task__text", "unit__name", "note"]
    list_select_related = ["task", "unit", "updated_by"]
    autocomplete_fields = ["task", "unit"]
    readonly_fields = ["updated_by", "updated_at"]

    @admin.display(description=_("任务"), ordering="task__position")
    def task_shown(self, obj):
        return task_label(obj.task)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
