import unicodedata

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.choices import DISTRICT_ROLES, Role
from accounts.models import Profile
from plans.models import District, Unit


def _spelling(name: str) -> str:
    """A unit name as compared for duplicates: full- and half-width forms alike, no spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


class UnitForm(forms.ModelForm):
    """A unit of one district: its name (unique in the district, whichever width its brackets
    are written in) and its place in lists. A renamed unit keeps its old name among its other
    spellings, so the plan files, which name it the old way, still find it."""

    class Meta:
        model = Unit
        fields = ["name", "position"]
        labels = {"name": _("单位名称"), "position": _("排序")}
        help_texts = {
            "name": _("按方案中的写法填写，如“区市场监管局（知识产权局）”"),
            "position": _("数字小的排在前面"),
        }

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.instance.district = district
        self.old_name = self.instance.name if self.instance.pk else ""

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        wanted = _spelling(name)
        others = Unit.objects.filter(district=self.district).exclude(pk=self.instance.pk)
        for unit in others.only("name", "aliases"):
            if wanted == _spelling(unit.name):
                raise ValidationError(
                    _("%(district)s已有名为“%(name)s”的单位。"),
                    code="unique", params={"district": self.district.name, "name": unit.name},
                )
            spelling = next((a for a in unit.aliases or [] if _spelling(a) == wanted), None)
            if spelling is not None:
                raise ValidationError(
                    _("“%(spelling)s”是%(district)s单位“%(name)s”的其他写法（或原名称）。"),
                    code="unique", params={"district": self.district.name, "name": unit.name,
                                           "spelling": spelling},
                )
        return name

    def save(self, commit=True):
        unit = self.instance
        aliases = [a for a in unit.aliases or [] if a != unit.name]
        if self.old_name and self.old_name != unit.name and self.old_name not in aliases:
            aliases.append(self.old_name)
        unit.aliases = aliases
        return super().save(commit)


class UnitChoiceField(forms.ModelChoiceField):
    with_district = False

    def label_from_instance(self, unit):
        return f"{unit.district.name} · {unit.name}" if self.with_district else unit.name


class PersonForm(forms.ModelForm):
    """A person's account and role.

    With ``district`` the form adds or edits a coordinator or reporter of that district (the
    district is fixed and only its units can be chosen); without it (admins only) any role
    and district can be given.
    """

    role = forms.ChoiceField(label=_("角色"))
    district = forms.ModelChoiceField(
        label=_("所属区域"), queryset=District.objects.all(), required=False,
        help_text=_("区管理员和填报员必填"),
    )
    unit = UnitChoiceField(
        label=_("所属单位"), queryset=Unit.objects.none(), required=False,
        help_text=_("填报员必填：其所在单位牵头或配合的任务由其填报"),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("可查看区域"), queryset=District.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("领导：可查看哪些区的数据"),
    )
    all_districts = forms.BooleanField(
        label=_("可查看全部区域"), required=False, help_text=_("领导：勾选后可查看所有区")
    )
    password1 = forms.CharField(
        label=_("初始密码"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("确认密码"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "email", "is_active"]
        labels = {
            "username": _("用户名"),
            "first_name": _("姓名"),
            "email": _("电子邮箱"),
            "is_active": _("启用账号"),
        }
        help_texts = {
            "username": _("登录时使用，150 个字符以内，可用字母、数字和 @/./+/-/_"),
            "email": _("选填"),
            "is_active": _("取消勾选即停用：该账号不能再登录，记录仍然保留"),
        }

    def __init__(self, *args, editor, district: District | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.fixed_district = district
        self.is_new = self.instance.pk is None
        # A new person needs a name; an account made without one (createsuperuser) can still
        # be disabled or given a new password without inventing it.
        self.fields["first_name"].required = self.is_new or bool(self.instance.first_name)

        if district is not None:
            # A coordinator adds and edits reporters (and keeps their own role); coordinators
            # are made by admins.
            roles = [role for role in DISTRICT_ROLES if role == Role.REPORTER
                     or editor.has_perm("accounts.administer")
                     or (role == Role.COORDINATOR and self.instance.pk == editor.pk)]
            for name in ("district", "districts", "all_districts"):
                del self.fields[name]
            self.fields["unit"].queryset = Unit.objects.filter(district=district)
            self.fields["unit"].error_messages["invalid_choice"] = _(
                "请选择%(district)s的单位。"
            ) % {"district": district.name}
        else:
            roles = list(Role)
            self.fields["unit"].queryset = Unit.objects.select_related("district")
            self.fields["unit"].with_district = True
        self.fields["role"].choices = [("", "---------")] + [(r.value, r.label) for r in roles]

        if not self.is_new and self.instance.pk == editor.pk:
            self.fields["role"].disabled = True  # nobody changes their own role (clean_role)
            self.fields["role"].help_text = _("不能更改自己的角色。")
        if self.is_new:
            self.fields["password1"].required = self.fields["password2"].required = True
        else:
            self.fields["password1"].label = _("新密码")
            self.fields["password1"].help_text = _("不修改密码请留空。") + " " + str(
                self.fields["password1"].help_text
            )
            self._set_initial_from_profile()

    def _set_initial_from_profile(self):
        profile = Profile.objects.filter(user=self.instance).first()
        if profile is not None:
            self.initial.update(
                role=profile.role, district=profile.district_id, unit=profile.unit_id,
                districts=list(profile.districts.all()), all_districts=profile.all_districts,
            )
        if self.instance.is_superuser:
            self.initial["role"] = Role.ADMIN

    def clean_username(self):
        username = self.cleaned_data["username"]
        taken = get_user_model().objects.filter(username__iexact=username)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("已有用户名“%(username)s”（不区分大小写），请换一个。"),
                code="unique", params={"username": username},
            )
        return username

    def clean_is_active(self):
        is_active = self.cleaned_data["is_active"]
        if not is_active and self.instance.pk == self.editor.pk:
            raise ValidationError(_("不能停用自己的账号。"), code="self")
        return is_active

    def clean_role(self):
        role = self.cleaned_data["role"]
        if not self.is_new and self.instance.pk == self.editor.pk:
            if role != self.initial.get("role"):
                raise ValidationError(_("不能更改自己的角色。"), code="self")
        return role

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 != password2:
            raise ValidationError(_("两次输入的密码不一致。"), code="password_mismatch")
        return password2

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        district = self.fixed_district or cleaned.get("district")
        if role:
            profile = Profile(
                role=role,
                district=district if role in DISTRICT_ROLES else None,
                unit=cleaned.get("unit") if role in DISTRICT_ROLES else None,
            )
            try:
                profile.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    if field in self.errors:
                        continue  # the field's own error (e.g. an invalid choice) says enough
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
            granted = cleaned.get("all_districts") or cleaned.get("districts")
            if role == Role.LEADER and not granted:
                self.add_error(
                    "districts", _("领导须至少指定一个可查看的区，或勾选“可查看全部区域”。")
                )
        cleaned["district"] = district
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The password is checked once the account's other fields are on the instance, so the
        # similarity check sees the new user name and name.
        password = self.cleaned_data.get("password1")
        if password and "password2" not in self.errors:
            try:
                password_validation.validate_password(password, self.instance)
            except ValidationError as error:
                self.add_error("password1", error)

    def person_data(self) -> dict:
        """The keyword arguments for ``accounts.services.person_save``."""
        cleaned = self.cleaned_data
        return {
            "user": self.instance,
            # the account's own fields (the role decides its admin flags): saved, and so kept
            # in its history, only when one of them changed
            "account_changed": self.instance.pk is None or bool(
                set(self.changed_data) & {"username", "first_name", "email", "is_active", "role"}),
            "role": cleaned["role"],
            "password": cleaned.get("password1") or "",
            "district": cleaned.get("district"),
            "unit": cleaned.get("unit"),
            "districts": cleaned.get("districts") or [],
            "all_districts": cleaned.get("all_districts", False),
        }
