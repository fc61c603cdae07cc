"""The entry grid's rows: one indicator's figures, inputs, errors, status and review state.

Written in Python rather than in the grid template (which keeps the rest of the page): a grid
has 60 rows, each with about ten inputs and a dozen values and words, and the template language
took most of the page's time. The inputs are still the form's own widgets (names, ids, values,
attributes and "as loaded" hidden inputs), written by ``indicators.renderers.GridRenderer``; the
status badge is the ``status_badge`` tag's, as on every page.
"""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from indicators.progress import Status
from indicators.templatetags.progress_tags import num, status_badge
from ipops.html import format_html
from ipops.text import bracketed
from reporting.choices import ReviewStatus

register = template.Library()


def _join(parts) -> str:
    return mark_safe("\n".join(part for part in parts if part))



@register.simple_tag
def grid_row(form, year):
    """The table row of ``form`` (a ``FigureForm``) in the grid of ``year``."""
    row, indicator = form.row, form.row.indicator
    css = "entry" + (" has-errors" if form.errors else "") + (" locked" if form.locked else "")
    return format_html(
        '<tr class="{}" id="ind-{}" data-preview-url="{}">\n'
        '<td class="nowrap">{}{}{}</td>\n{}\n{}\n{}\n'
        '<td class="num">{}</td>\n<td class="num">{}</td>\n'
        '<td class="inputs">{}</td>\n{}\n{}\n</tr>',
        css, indicator.pk, reverse("indicators:entry_preview", args=[indicator.pk, year]),
        indicator.number, form["version"], form["base_version"],
        _name_cell(row), _baseline_cell(indicator), _target_cell(row),
        num(row.progress.expected), num(row.last_value),
        _inputs_cell(form), _status_cell(row), _review_cell(row.figure),
    )


def _name_cell(row) -> str:
    indicator = row.indicator
    unit = (format_html('<span class="muted">{}</span>', bracketed(indicator.unit))
            if indicator.unit else "")
    notes = [str(indicator.get_kind_display())]
    if indicator.direction == "lower":
        notes.append(_("越低越好"))
    if row.kind != indicator.kind:
        notes.append(_("按里程碑判断"))
    if row.linked:
        notes.append(_("使用指标 %(n)s 的数据") % {"n": indicator.quantity_indicator.number})
    return format_html('<td class="name">{}{}\n<div class="muted small">{}</div></td>',
                       indicator.name, unit, " · ".join(notes))


def _baseline_cell(indicator) -> str:
    year = (format_html('<div class="muted small">{}</div>', indicator.baseline_year)
            if indicator.baseline_year else "")
    return format_html('<td class="num">{}{}</td>', num(indicator.baseline_value), year)


def _target_cell(row) -> str:
    """The year's target (an adjusted one with its original), else the final one."""
    target = row.target
    if target is None:
        return format_html('<td class="num"><span class="muted">{} {}{}</span></td>', _("终期"),
                           num(row.progress.target), row.progress.target_text)
    original = ""
    if target.original_value is not None:
        original = format_html('<div class="muted small">{} {}</div>', _("原"),
                               num(target.original_value))
    return format_html('<td class="num">{}{}</td>', target.display, original)


def _status_cell(row) -> str:
    """The status by the approved figures (the grid's script replaces it as a value is typed)."""
    badge = status_badge(row.progress.status, row.progress.percent)
    return format_html('<td class="live-status" data-typed-label="{}">{}'
                       '<div class="muted small">{}</div></td>',
                       _("按本次填报"), badge, _("按已审核值"))


def _review_cell(figure) -> str:
    if figure is None:
        return format_html('<td class="review"><span class="muted">{}</span></td>', _("未填"))
    html = [format_html('<span class="review-{}">{}</span>', figure.review_status,
                        figure.get_review_status_display())]
    if figure.submitted_late:
        html.append(format_html(' <span class="late">{}</span>', _("逾期")))
    if figure.flagged:
        html.append(format_html(' <span class="flag" title="{}">{}</span>', figure.flag_comment,
                                _("待核查")))
    if figure.corrects_id:
        html.append(format_html('\n<div class="muted small">{}{}</div>',
                                _("更正；计入进度的仍为已审核值："), figure.corrects.shown))
    if figure.review_status == ReviewStatus.RETURNED:
        html.append(format_html('\n<div class="returned">{}{}</div>', _("退回原因："),
                                figure.return_reason))
    html.append(format_html('\n<div><a class="small" href="{}">{}</a></div>',
                            reverse("indicators:figure_detail", args=[figure.pk]), _("历史")))
    return format_html('<td class="review">{}</td>', mark_safe("".join(html)))


def _inputs_cell(form) -> str:
    """The inputs, their errors and warnings, the reason and remedy, and the evidence."""
    row, fields, errors, figure = form.row, form.fields, form.errors, form.row.figure

    def field_errors(*names):
        return mark_safe("".join(str(form[name].errors) for name in names if name in errors))

    html = ['<div class="line">']
    if "value" in fields:
        value = form["value"]
        unit = row.indicator.quantity_unit if row.kind == "growth" else ""
        html.append(format_html('<label class="inline-label" for="{}">{}{}</label>{}',
                                value.id_for_label, value.label, bracketed(unit) if unit else "",
                                value))
    if "done" in fields:
        html.append(str(form["done"]))
    if "numerator" in fields:
        html.append(format_html('<span class="ratio" title="{}">= {} ÷ {}</span>', _("分子 ÷ 分母"),
                                form["numerator"], form["denominator"]))
    html.append("</div>")
    html.append(field_errors("value", "done", "numerator", "denominator"))
    if "base_value" in fields:
        base = form["base_value"]
        html.append(format_html(
            '<div class="base"><label class="inline-label" for="{}">{}</label>{}{}{}</div>',
            base.id_for_label, _("%(y)s 年（基期）") % {"y": row.base_year}, base,
            _base_state(row.base_figure), field_errors("base_value")))
    html.append(format_html('<div class="note">{}{}</div>', form["note"], field_errors("note")))
    for warning in form.warnings:
        html.append(format_html('<p class="warning">⚠ {}</p>', warning))
    if (row.needs_reason or row.red or "reason" in errors or "remedy" in errors
            or (figure and figure.reason)):
        html.append(format_html(
            '<div class="red-box"><strong>{}</strong>\n'
            '<label>{}{}</label>{}\n<label>{}{}</label>{}</div>',
            _red_title(row) if row.red else _("上年滞后：请说明原因和整改措施"),
            form["reason"].label, form["reason"], field_errors("reason"),
            form["remedy"].label, form["remedy"], field_errors("remedy")))
    html.append(_evidence(form, figure, field_errors))
    if "__all__" in errors:
        html.append(str(form.non_field_errors()))
    return _join(html)


def _red_title(row) -> str:
    """Red this year: this row, or a growth rate computed from its figures, or both."""
    numbers = pgettext("list separator", "、").join(row.red_rates)
    if row.progress.status != Status.BEHIND:
        return _("指标 %(numbers)s 本年滞后：请说明原因和整改措施（已审核的数据不变，无须重新审核）") % {
            "numbers": numbers}
    if numbers:
        return _("本年滞后（指标 %(numbers)s 亦滞后）：请说明原因和整改措施（已审核的数据不变，无须重新审核）") % {
            "numbers": numbers}
    return _("本年滞后：请说明原因和整改措施（已审核的数据不变，无须重新审核）")


def _base_state(figure) -> str:
    """The base-year quantity's own review state, when it is not simply approved."""
    if figure is None or figure.review_status == ReviewStatus.APPROVED:
        return ""
    text = figure.get_review_status_display()
    if figure.corrects_id:
        text = _("更正，%(state)s；计入的仍为已审核值：%(value)s") % {
            "state": text, "value": figure.corrects.shown}
    return format_html(' <span class="muted small">{}</span>', bracketed(text))


def _evidence(form, figure, field_errors) -> str:
    """The 佐证材料 box: the file and link, and for an approved figure the correction."""
    opened = any(name in form.errors
                 for name in ("evidence_file", "evidence_link", "change_reason"))
    summary = _("佐证材料")
    if figure and (figure.evidence_name or figure.evidence_link):
        summary += " ✓"
    if form.locked or (figure and figure.corrects_id):
        summary += " · " + _("更正")
    html = [format_html('<details class="more"{}>\n<summary>{}</summary>',
                        mark_safe(" open") if opened else "", summary)]
    if figure and figure.evidence_file:
        html.append(format_html('<div class="small"><a href="{}">{}</a></div>',
                                reverse("reporting:evidence", args=["figure", figure.pk]),
                                figure.evidence_name or _("已上传的材料")))
    for name in ("evidence_file", "evidence_link"):
        html.append(format_html('<label class="small">{} {}</label>{}', form[name].label,
                                form[name], field_errors(name)))
    if form.locked:  # a correction that came back with errors or warnings stays ticked
        html.append(format_html(
            '<label class="small"><input type="checkbox" class="unlock"{}> {}</label>\n'
            '<label class="small">{} {}</label>',
            mark_safe(" checked") if form.errors or form.warnings else "",
            _("更正此项（须重新审核）"),
            form["change_reason"].label, form["change_reason"]))
    elif figure and figure.corrects_id:  # a correction in progress: its reason, and how to undo it
        html.append(format_html(
            '<label class="small">{} {}</label>\n<div class="muted small">{}</div>',
            form["change_reason"].label, form["change_reason"],
            _("改回已审核的数据并保存，即撤销本次更正。")))
    html.append(field_errors("change_reason"))
    html.append("</details>")
    return _join(html)
