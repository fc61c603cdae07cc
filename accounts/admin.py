from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.choices import Role
from accounts.models import Profile
from plans.admin import PlainHistoryMixin


class ProfileAdminForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["role", "district", "unit", "districts", "all_districts"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.LEADER and not (
            cleaned.get("all_districts") or cleaned.get("districts")
        ):
            self.add_error(
                "districts", _("领导须至少指定一个可查看的区，或勾选“可查看全部区域”。")
            )
        return cleaned


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileAdminForm
    can_delete = True
    max_num = 1
    filter_horizontal = ["districts"]
    autocomplete_fields = ["unit"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(PlainHistoryMixin, SimpleHistoryAdmin, UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "role", "district", "is_active", "is_superuser",
                    "last_login"]
    list_filter = ["profile__role", "profile__district", "is_active", "is_superuser"]
    list_select_related = ["profile__district"]

    @admin.display(description=_("角色"), ordering="profile__role")
    def role(self, obj):
        if obj.is_superuser:
            return Role.ADMIN.label
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "—"

    @admin.display(description=_("所属区域"), ordering="profile__district")
    def district(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.district if profile and profile.district else "—"


@admin.register(Profile)
class ProfileAdmin(PlainHistoryMixin, SimpleHistoryAdmin):
    form = ProfileAdminForm
    fields = ["user", "role", "district", "unit", "districts", "all_districts"]
    list_display = ["user", "role", "district", "unit", "all_districts"]
    list_filter = ["role", "district"]
    search_fields = ["user__username", "user__first_name"]
    list_select_related = ["user", "district", "unit"]
    autocomplete_fields = ["user", "unit"]
    filter_horizontal = ["districts"]
