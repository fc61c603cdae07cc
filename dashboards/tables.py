"""The leaders' long tables: the district dashboard's indicators, the task board, the district
comparison. Their rows are written here with ``format_html`` rather than through the template
engine, which cost from a third (25 indicators) to more than half (300 districts) of a page;
each page's template keeps the table around them. tests/dashboards/test_tables.py checks the
rows.
"""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy as _
from django.utils.translation import pgettext

from indicators.templatetags.progress_tags import num, status_badge
from ipops.html import escape, format_html
from ipops.numbers import one_place
from ipops.text import bracketed


def progress_bar(progress, words: tuple[str, str]) -> str:
    """A bar of percent complete with a tick where 序时进度 stands (NetBox's UtilizationColumn idea).

    ``words``: "完成率" and "序时进度" in the active language, for the bar's title."""
    percent, expected = progress.percent, progress.expected_percent
    if percent is None:
        return mark_safe('<span class="muted">—</span>')
    shown = one_place(percent)
    title = f"{words[0]} {shown}%"
    tick = ""
    if expected is not None:
        title += f" · {words[1]} {one_place(expected)}%"
        tick = format_html('<span class="tick" style="left: {}%"></span>', _whole(expected))
    return format_html(
        '<div class="bar" title="{}"><span class="fill" style="width: {}%; background: {}"></span>'
        '{}</div><span class="bar-label">{}%</span>',
        title, _whole(percent), progress.status.colour, tick, shown)


def _whole(value: Decimal) -> int:
    """A percentage rounded half up to a whole number, for a CSS length (``floatformat:"0"``)."""
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def url_maker(name: str):
    """``reverse(name, args=[pk])`` for the many rows of a long table: the URL is reversed once,
    with a stand-in key that each row's key replaces (reversing cost a tenth of such a page)."""
    stand_in = "2147483647"
    before, after = reverse(name, args=[int(stand_in)]).split(stand_in)
    return lambda pk: f"{before}{pk}{after}"


def _truncate(text: str, length: int) -> str:
    """``truncatechars``, without Django's Truncator for the text already short enough."""
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


# The district dashboard: django-tables2 sorts and paginates, and writes the header and the
# pagination (templates/dashboards/indicator_table.html); ``body`` writes the rows of the page.

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
    bar = tables.Column(_("完成率"), accessor="progress", order_by=("progress__percent",),
                        attrs={"td": {"class": "bar-cell"}})
    status = tables.Column(_("状态"), accessor="status_rank")

    class Meta:
        template_name = "dashboards/indicator_table.html"
        attrs = {"class": "table dashboard-table"}
        orderable = True
        per_page = 25

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._bar_words = (gettext("完成率"), gettext("序时进度"))
        self._not_started = format_html('<span class="muted small">{}</span>',
                                        gettext("方案尚未开始"))
        self._indicator_url = url_maker("dashboards:indicator")
        self._year_query = f"?year={year}" if year else ""  # the indicator page of the same year

    def paginate(self, *args, per_page=None, **kwargs):
        """The page size the address asks for, within 1–100 (a negative one broke the pages)."""
        per_page = min(max(int(per_page or self._meta.per_page), 1), 100)
        super().paginate(*args, per_page=per_page, **kwargs)

    def body(self) -> str:
        """The rows of the current page, each cell as its column's ``cell_<name>`` writes it."""
        columns = [(getattr(self, f"cell_{c.name}"), c.attrs["td"].as_html())
                   for c in self.columns]
        rows = []
        for row in self.paginated_rows:
            cells = "".join(f"<td {attrs}>{escape(cell(row.record))}</td>"
                            for cell, attrs in columns)
            rows.append(f"<tr {row.attrs.as_html()}>{cells}</tr>")
        return mark_safe("".join(rows))

    def cell_number(self, record):
        return record.indicator.number or "—"

    def cell_name(self, record):
        indicator = record.indicator
        unit = indicator.unit
        shown_unit = format_html('<span class="muted">{}</span>', bracketed(unit)) if unit else ""
        return format_html('<a href="{}{}">{}</a>{}', self._indicator_url(indicator.pk),
                           self._year_query, indicator.name, shown_unit)

    def cell_category(self, record):
        return record.indicator.category or "—"

    def cell_target(self, record):
        progress = record.progress
        if progress.judged_as == "milestone":
            text = progress.target_text
        else:
            text = num(progress.target)
        return format_html('{}<div class="muted small">{}</div>', text,
                           progress.target_year or "")

    def cell_expected(self, record):
        return num(record.progress.expected)

    def cell_actual(self, record):
        progress = record.progress
        if progress.judged_as == "milestone":
            return {True: _("已完成"), False: _("未完成")}.get(progress.done, "—")
        return num(progress.actual)

    def cell_bar(self, record):
        return progress_bar(record.progress, self._bar_words)

    def cell_status(self, record):
        if record.before_plan:
            return self._not_started  # not judged (indicators.selectors.unjudged_before_plan)
        return status_badge(record.progress.status)


def task_board_rows(rows, *, district, unit, year: int, labels: dict) -> str:
    """The task board's rows (dashboards.selectors.task_board): each heading once above its rows
    (on a unit's board, over each row instead), then the row with its lead unit's board, its
    supporting units, its latest approved status (``labels``: their words), percent and
    narrative. Written here rather than in the template: a hundred rows through the template
    engine cost most of the page."""
    inferred = format_html('<div class="muted small">{}</div>', gettext("单位为推定"))
    reason_word = gettext("滞后原因：")
    separator = pgettext("list separator", "、")
    unit_urls = {}
    html, path = [], None
    for row in rows:
        heading = " › ".join(row.path)
        if not unit and (path is None or row.path != path):
            html.append(format_html('<tr class="group"><th colspan="6">{}</th></tr>', heading))
        path = row.path
        if row.lead_unit_id not in unit_urls:
            unit_urls[row.lead_unit_id] = reverse(
                "dashboards:unit_tasks", args=[district.code, row.lead_unit_id])
        reason = ""
        if row.dash_reason:
            reason = format_html('<div class="returned">{}{}</div>', reason_word,
                                 _truncate(row.dash_reason, 80))
        html.append(format_html(
            '<tr class="{}"><td>{}{} {}</td>'
            '<td class="nowrap"><a href="{}?year={}">{}</a>{}</td>'
            '<td class="small">{}</td>'
            '<td class="nowrap"><span class="task-status task-{}">{}</span></td>'
            '<td class="num">{}</td><td class="small">{}{}</td></tr>',
            "row-red" if row.dash_status == "delayed" else "",
            format_html('<div class="muted small">{}</div>', heading) if unit else "",
            row.number, _truncate(row.text, 140),
            unit_urls[row.lead_unit_id], year, row.lead_unit.name,
            inferred if row.units_inferred else "",
            separator.join(row.supporting) or "—",
            row.dash_status or "none", labels.get(row.dash_status or "none", ""),
            "—" if row.dash_percent is None else f"{row.dash_percent}%",
            _truncate(row.dash_narrative or "", 120), reason,
        ))
    return mark_safe("".join(html))


def compare_table_rows(rows, *, year: int) -> str:
    """The district comparison's rows (dashboards.indicator_selectors.compare_rows): district,
    plan, indicator, unit, final target, the year judged, actual, 序时进度 and status. Written
    here rather than in the template: one indicator in each of 300 districts through the
    template engine cost more than half the page."""
    kinds = {"cumulative": gettext("（累计）"), "growth": gettext("（年均增幅）")}
    done = {None: "—", True: gettext("已完成"), False: gettext("未完成")}
    not_started, ended = gettext("方案尚未开始"), gettext("方案已结束")
    plan_url, indicator_url = url_maker("dashboards:plan"), url_maker("dashboards:indicator")
    html = []
    for row in rows:
        indicator, plan, progress = row.indicator, row.indicator.plan, row.progress
        kind = kinds.get(indicator.kind)
        target = row.final_target
        note = not_started if row.before_plan else (ended if row.as_of != year else "")
        html.append(format_html(
            '<tr><th>{}</th>'
            '<td class="small plan-cell"><a href="{}">{}</a><br><span class="muted">{}</span></td>'
            '<td class="ind-cell"><a href="{}?year={}">{}. {}</a>{}</td>'
            '<td>{}</td><td class="nowrap">{}</td><td class="num">{}{}</td>'
            '<td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>',
            plan.district.name,
            plan_url(plan.pk), _truncate(plan.title, 28),
            plan.period_label,
            indicator_url(indicator.pk), row.as_of, indicator.number,
            indicator.name,
            format_html(' <span class="muted small">{}</span>', kind) if kind else "",
            "%" if progress.judged_as == "growth" else (indicator.unit or "—"),
            format_html("{}{}", target.display, bracketed(target.year)) if target else "—",
            row.as_of,
            format_html('<br><span class="muted small">{}</span>', note) if note else "",
            done[progress.done] if progress.judged_as == "milestone" else num(progress.actual),
            num(progress.expected), status_badge(progress.status.value, progress.percent),
        ))
    return mark_safe("".join(html))
