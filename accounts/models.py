from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

from accounts.choices import Role


class Profile(models.Model):
    """A portal user's role and where it applies (see accounts/rules.py for what each may do)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        related_name="profile",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    district = models.ForeignKey(
        "plans.District", verbose_name=_("所属区域"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="profiles",
        help_text=_("区管理员和填报员所属的区"),
    )
    unit = models.ForeignKey(
        "plans.Unit", verbose_name=_("所属单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="profiles",
        help_text=_("填报员所属的单位，须属于所属区域"),
    )
    districts = models.ManyToManyField(
        "plans.District", verbose_name=_("可查看区域"), blank=True,
        related_name="granted_profiles", help_text=_("领导可查看的区"),
    )
    all_districts = models.BooleanField(
        _("可查看全部区域"), default=False, help_text=_("领导可查看所有区")
    )
    history = HistoricalRecords(m2m_fields=[districts])

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        ordering = ["user__username"]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"

    def clean(self):
        errors = {}
        if self.role in (Role.COORDINATOR, Role.REPORTER) and not self.district_id:
            errors["district"] = _("区管理员和填报员必须指定所属区域。")
        if self.role == Role.REPORTER and not self.unit_id:
            errors["unit"] = _("填报员必须指定所属单位。")
        if self.unit_id and self.district_id and self.unit.district_id != self.district_id:
            errors["unit"] = _("所选单位不属于所属区域。")
        if self.role in (Role.ADMIN, Role.LEADER):
            if self.district_id:
                errors["district"] = _("系统管理员和领导不属于某一区，请留空。")
            if self.unit_id:
                errors["unit"] = _("系统管理员和领导不属于某一单位，请留空。")
        if errors:
            raise ValidationError(errors)

    @cached_property
    def granted_district_ids(self) -> frozenset[int]:
        """The ids of the districts granted to a leader (one query, then kept)."""
        return frozenset(district.pk for district in self.districts.all())


class AccountHistory(HistoricalRecords):
    """The history of accounts: who created, disabled or re-enabled one, reset its password or
    renamed it, and when; not each login (a save of ``last_login`` alone)."""

    def post_save(self, instance, created, using=None, **kwargs):
        if not created and set(kwargs.get("update_fields") or ()) == {"last_login"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


PASSWORD_RESET = "重设密码"  # the change reason of a history record that set a new password

# Never the password hash, and not the login time (see AccountHistory).
register(User, app="accounts", records_class=AccountHistory,
         excluded_fields=["password", "last_login"])
