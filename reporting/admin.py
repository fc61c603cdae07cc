from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import ReportingRound


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["year", "deadline", "is_open", "days_left", "opened_by", "opened_at"]
    list_filter = ["is_open"]
    list_editable = ["deadline", "is_open"]
    search_fields = ["year", "note"]
    readonly_fields = ["opened_by", "opened_at"]
    fields = ["year", "deadline", "is_open", "note", "opened_by", "opened_at"]
    list_select_related = ["opened_by"]

    @admin.display(description=_("剩余天数"))
    def days_left(self, obj):
        if not obj.is_open:
            return "—"
        left = (obj.deadline - timezone.localdate()).days
        return _("已逾期 %(n)s 天") % {"n": -left} if left < 0 else _("剩余 %(n)s 天") % {"n": left}

    def save_model(self, request, obj, form, change):
        if not change and obj.opened_by_id is None:
            obj.opened_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyEntryAdmin:
    """Figures and task progress are read in the admin, never written there: every change goes
    through the portal's review path (versions, history with a reason, approval)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
