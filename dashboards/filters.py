"""Filters of the district dashboard (django-filter): on the indicators, then on the status."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from indicators.choices import Attribute, Kind
from indicators.models import Indicator
from indicators.progress import STATUS_ORDER, STATUS_STYLE


class PlainSelect(forms.Select):
    """A select of plain (ungrouped) choices, written as Django's widget templates write it
    (tests/dashboards/test_filters.py) but without a template rendered for each option, which
    cost more than the rest of the filters."""

    def render(self, name, value, attrs=None, renderer=None):
        shown = [format_html(" {}", key) if item is True else format_html(' {}="{}"', key, item)
                 for key, item in self.build_attrs(self.attrs, attrs).items() if item is not False]
        chosen, selected, options = set(self.format_value(value)), False, []
        for option, label in self.choices:
            here = not selected and str(option) in chosen
            selected = selected or here
            options.append((option, " selected" if here else "", label))
        return format_html('<select name="{}"{}>{}\n</select>', name, mark_safe("".join(shown)),
                           format_html_join("", '\n  <option value="{}"{}>{}</option>\n', options))


class IndicatorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    plan = django_filters.ChoiceFilter(label=_("方案"), field_name="plan_id", empty_label=_("全部方案"),
                                       widget=PlainSelect)
    category = django_filters.ChoiceFilter(label=_("类别"), empty_label=_("全部类别"),
                                           widget=PlainSelect)
    attribute = django_filters.ChoiceFilter(label=_("指标属性"), choices=Attribute.choices,
                                            empty_label=_("全部属性"), widget=PlainSelect)
    kind = django_filters.ChoiceFilter(label=_("指标类型"), choices=Kind.choices,
                                       empty_label=_("全部类型"), widget=PlainSelect)
    # The status is the engine's result: the view applies it to the computed rows.
    status = django_filters.ChoiceFilter(
        label=_("状态"), method="by_status", empty_label=_("全部状态"), widget=PlainSelect,
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

    def applied(self) -> dict:
        """The filters in force: those given with a value the form accepts."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {name: value for name, value in self.form.cleaned_data.items() if value}

    def ignored(self) -> str:
        """The labels of the filters given with a value the form refuses ("" when none)."""
        if not self.is_bound:
            return ""
        return pgettext("list separator", "、").join(str(self.form.fields[name].label)
                                                     for name in self.form.errors)

    def status_of_rows(self, rows):
        wanted = self.applied().get("status")
        return [r for r in rows if r.progress.status.value == wanted] if wanted else rows
