"""The dashboard's filter selects are written directly: the same HTML as Django's Select."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.filters import IndicatorFilterSet, PlainSelect
from indicators.models import Indicator
from plans.models import District

CHOICES = [("", _("全部状态")), ("on_track", "正常"), ("a&b", "<b>粗</b>"), (3, "三"), (3, "重复")]


@pytest.mark.parametrize("value", [None, "", "on_track", "a&b", 3, "3", ["on_track"], "none"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_status"},
                                   {"id": "x", "required": True, "disabled": False,
                                    "aria-describedby": "x_error", "data-n": 0}])
def test_a_plain_select_renders_as_djangos_select(value, attrs):
    assert (PlainSelect(choices=CHOICES).render("status", value, attrs)
            == forms.Select(choices=CHOICES).render("status", value, attrs))


@pytest.mark.django_db
def test_the_dashboard_filter_form_renders_as_with_djangos_select():
    district = District.objects.get(code="binhai")
    data = {"category": "创造", "status": "behind", "kind": "nonsense", "q": "专利"}
    form = IndicatorFilterSet(data, district=district,
                              queryset=Indicator.objects.filter(plan__district=district)).form
    for field in form:
        if isinstance(field.field.widget, PlainSelect):
            widget = forms.Select(choices=field.field.widget.choices)
            assert str(field) == field.as_widget(widget=widget), field.name
