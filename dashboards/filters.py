"""Filters of the district dashboard (django-filter): on the indicators, then on the status."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.choices import Attribute, Kind
from indicators.models import Indicator
from indicators.progress import STATUS_ORDER, STATUS_STYLE


class IndicatorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    plan = django_filters.ChoiceFilter(label=_("方案"), field_name="plan_id", empty_label=_("全部方案"))
    category = django_filters.ChoiceFilter(label=_("类别"), empty_label=_("全部类别"))
    attribute = django_filters.ChoiceFilter(label=_("指标属性"), choices=Attribute.choices,
                                            empty_label=_("全部属性"))
    kind = django_filters.ChoiceFilter(label=_("指标类型"), choices=Kind.choices,
                                       empty_label=_("全部类型"))
    # The status is the engine's result: the view applies it to the computed rows.
    status = django_filters.ChoiceFilter(
        label=_("状态"), method="by_status", empty_label=_("全部状态"),
        choices=[(s.value, STATUS_STYLE[s]["label"]) for s in STATUS_ORDER])

    class Meta:
        model = Indicator
        fields = ["q", "plan", "category", "attribute", "kind", "status"]

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        plans = list(district.plans.values_list("pk", "title"))
        self.filters["plan"].extra["choices"] = plans
        categories = (Indicator.objects.filter(plan__district=district).exclude(category="")
                      .values_list("category", flat=True).distinct().order_by("category"))
        self.filters["category"].extra["choices"] = [(c, c) for c in categories]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(number__iexact=value)
                               | Q(note__icontains=value))

    def by_status(self, queryset, name, value):
        return queryset

    def status_of_rows(self, rows):
        wanted = self.form.cleaned_data.get("status") if self.form.is_valid() else ""
        return [r for r in rows if r.progress.status.value == wanted] if wanted else rows
