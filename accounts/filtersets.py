import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.selectors import role_filter
from plans.models import District


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("用户名或姓名"), method="filter_q")
    role = django_filters.ChoiceFilter(
        label=_("角色"), choices=Role.choices, method="filter_role", empty_label=_("全部角色")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("区域"), queryset=District.objects.all(), method="filter_district",
        empty_label=_("全部区域"),
    )

    class Meta:
        model = get_user_model()
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value))

    def filter_role(self, queryset, name, value):
        return queryset.filter(role_filter(value))

    def filter_district(self, queryset, name, value):
        """People of the district, and leaders it was granted to by name."""
        return queryset.filter(
            Q(profile__district=value) | Q(profile__districts=value)
        ).distinct()
