"""The district dashboard's indicator table (django-tables2), reading the engine's results."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators.templatetags.progress_tags import num


class ProgressColumn(tables.Column):
    """A bar of percent complete with a tick where 序时进度 stands (NetBox's UtilizationColumn idea)."""

    def render(self, value, record):
        return render_to_string("dashboards/progress_bar.html", {
            "percent": record.progress.percent,
            "expected": record.progress.expected_percent,
            "status": record.progress.status.value,
            "colour": record.progress.status.colour,
        })


class IndicatorProgressTable(tables.Table):
    number = tables.Column(_("序号"), accessor="indicator__number",
                           order_by=("indicator__plan_id", "indicator__position"))
    name = tables.Column(_("指标名称"), accessor="indicator__name", linkify=False)
    category = tables.Column(_("类别"), accessor="indicator__category")
    target = tables.Column(_("目标值"), accessor="progress", order_by=("progress__target",),
                           attrs={"td": {"class": "num"}})
    expected = tables.Column(_("序时进度"), accessor="progress__expected",
                             attrs={"td": {"class": "num"}})
    actual = tables.Column(_("实际值"), accessor="progress", order_by=("progress__actual",),
                           attrs={"td": {"class": "num"}})
    bar = ProgressColumn(_("完成率"), accessor="progress", order_by=("progress__percent",),
                         attrs={"td": {"class": "bar-cell"}})
    status = tables.Column(_("状态"), accessor="status_rank")

    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "table dashboard-table"}
        orderable = True
        per_page = 25

    def render_name(self, value, record):
        url = reverse("dashboards:indicator", args=[record.indicator.pk])
        unit = record.indicator.unit
        return format_html('<a href="{}">{}</a>{}', url, value,
                           format_html('<span class="muted">（{}）</span>', unit) if unit else "")

    def render_category(self, value):
        return value or "—"

    def render_target(self, value, record):
        progress = record.progress
        if progress.judged_as == "milestone":
            text = progress.target_text
        else:
            text = num(progress.target)
        return format_html('{}<div class="muted small">{}</div>', text,
                           progress.target_year or "")

    def render_expected(self, value):
        return num(value)

    def render_actual(self, value, record):
        progress = record.progress
        if progress.judged_as == "milestone":
            return {True: _("已完成"), False: _("未完成")}.get(progress.done, "—")
        return num(progress.actual)

    def render_status(self, value, record):
        return render_to_string("partials/status.html", {
            "status": record.progress.status.value, "label": record.progress.status.label,
            "colour": record.progress.status.colour, "icon": record.progress.status.icon,
            "percent": None,
        })
