from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from accounts.access import district_or_403, require_perm
from indicators.forms import PREVIEW_NUMBER, FigureForm, FlagForm, TargetAdjustForm
from indicators.models import Figure, Indicator, Target
from indicators.progress import legend
from indicators.selectors import indicator_preview, progress_band
from indicators.services import FigureSaveError, figures_save, grid_rows, target_adjust
from plans.models import Plan
from reporting.choices import ReviewStatus
from reporting.history import entry_history, merged_into
from reporting.services import EntryError, entries_submit, entry_clear_flag, entry_flag


def _plan_year(district, plan_id: int, year: int) -> Plan:
    plan = get_object_or_404(Plan, pk=plan_id, district=district)
    if not plan.start_year <= year <= plan.end_year:
        raise Http404(_("%(year)s 年不在该方案的规划期内") % {"year": year})
    return plan


def entry_index(request, code):
    """The district's plans and years to report, with how far each year's grid has got."""
    district = district_or_403(request, code, "indicators.enter_figures")
    plans = list(district.plans.annotate(indicator_count=Count("indicators")))
    counts = {}
    # Approved as counted (a figure under correction still is); corrections wait or are returned.
    for row in (Figure.objects.filter(indicator__plan__district=district)
                .values("indicator__plan_id", "year")
                .annotate(filled=Count("pk", filter=Q(corrects__isnull=True)),
                          approved=Count("pk", filter=Q(review_status=ReviewStatus.APPROVED)),
                          waiting=Count("pk", filter=Q(review_status=ReviewStatus.SUBMITTED)),
                          returned=Count("pk", filter=Q(review_status=ReviewStatus.RETURNED)))):
        counts[(row["indicator__plan_id"], row["year"])] = row
    for plan in plans:
        plan.years = [
            {"year": y, **counts.get((plan.pk, y), {"filled": 0, "approved": 0, "waiting": 0,
                                                     "returned": 0})}
            for y in range(plan.start_year, plan.end_year + 1)
        ]
    return render(request, "indicators/entry_index.html", {"district": district, "plans": plans})


def entry_grid(request, code, plan_id, year):
    """Every indicator of a plan for one year: enter, save as draft, submit."""
    district = district_or_403(request, code, "indicators.enter_figures")
    plan = _plan_year(district, plan_id, year)
    rows = grid_rows(plan=plan, year=year)
    if request.method == "POST":
        forms = [FigureForm(request.POST, request.FILES, row=row) for row in rows]
        if all(form.is_valid() for form in forms):
            figure_rows = [r for form in forms for r in form.rows(year)]
            try:
                saved = figures_save(plan=plan, year=year, rows=figure_rows, user=request.user,
                                     grid=rows)
            except FigureSaveError as exc:
                by_id = {form.indicator.pk: form for form in forms}
                for indicator_id, errors in exc.errors.items():
                    by_id[indicator_id].add_errors(errors)
                for indicator_id, warnings in exc.warnings.items():
                    by_id[indicator_id].warnings = warnings
                messages.error(request, _("有数据未通过检查，未保存任何数据。请按提示修改后再保存。"))
            else:
                return _after_save(request, plan, year, district, saved)
        else:
            messages.error(request, _("有数据格式不正确，未保存任何数据。请按提示修改后再保存。"))
        status = 200
    else:
        forms = [FigureForm(row=row) for row in rows]
        status = 200
    return render(request, "indicators/entry_grid.html", {
        "district": district, "plan": plan, "year": year, "forms": forms,
        "legend": legend(progress_band()), "can_approve": request.user.has_perm(
            "reporting.approve", district),
        "years": range(plan.start_year, plan.end_year + 1),
    }, status=status)


def _after_save(request, plan, year, district, saved):
    url = reverse("indicators:entry_grid", args=[district.code, plan.pk, year])
    if request.POST.get("action") != "submit":
        if saved and all(f.review_status == ReviewStatus.APPROVED for f in saved):
            messages.success(request, _("已保存。已审核的数据不变。"))  # reasons, or a withdrawal
        else:
            messages.success(request, _("已保存为草稿。"))
        return redirect(url)
    rows = grid_rows(plan=plan, year=year)
    # the year's figures, and the base-year quantities the grid asks for (no grid of their own)
    wanted = Q(indicator__plan=plan, year=year)
    for row in rows:
        if row.base_year:
            wanted |= Q(indicator=row.indicator, year=row.base_year)
    figures = list(Figure.objects.working().filter(wanted).select_related("indicator"))
    entered = {f.indicator_id for f in figures if f.has_content and f.year == year}
    missing = [r.indicator for r in rows if r.indicator.pk not in entered and not r.linked]
    if missing:
        names = pgettext("list separator", "、").join(f"{i.number}" for i in missing[:12])
        messages.warning(request, _("已保存为草稿，但尚有 %(n)s 项未填写（序号 %(names)s），填齐后才能提交。")
                         % {"n": len(missing), "names": names})
        return redirect(url)
    # A returned figure goes back to draft when it is changed; one still returned was not
    # looked at again, and is not sent back as it was.
    returned = [f for f in figures if f.review_status == ReviewStatus.RETURNED]
    count = entries_submit(entries=[f for f in figures if f not in returned], user=request.user)
    messages.success(request, _("已提交 %(n)s 项，等待区管理员审核。") % {"n": count})
    if returned:
        names = pgettext("list separator", "、").join(f.indicator.number for f in returned[:12])
        messages.warning(request, _(
            "被退回的 %(n)s 项（序号 %(names)s）未作修改，没有重新提交。请按退回原因修改数据，"
            "或在说明中写明数据无误的理由，再提交。") % {"n": len(returned), "names": names})
    return redirect(url)


@require_GET
def entry_preview(request, pk, year):
    """The status a value would give, for the grid's colour as the user types (the engine's)."""
    indicator = get_object_or_404(Indicator.objects.select_related(
        "plan__district", "quantity_indicator"), pk=pk)
    require_perm(request, "indicators.enter_figures", indicator.plan.district)
    try:  # the grid's own number field: the same limits and messages as a save
        value = PREVIEW_NUMBER.clean(request.GET.get("value", ""))
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    done = {"yes": True, "no": False}.get(request.GET.get("done", ""))
    result = indicator_preview(indicator=indicator, year=year, value=value, done=done)
    return JsonResponse({
        "status": result.status.value, "label": str(result.status.label),
        "colour": result.status.colour, "icon": result.status.icon,
        "percent": None if result.percent is None else float(result.percent),
        "actual": None if result.actual is None else float(round(result.actual, 2)),
    })


def figure_detail(request, pk):
    """One figure with its full history (who, when, old → new value, reason) and its flag.

    A correction that was approved since lives on in the figure it corrected: its address
    leads there."""
    figure = (Figure.objects.filter(pk=pk).select_related(
        "indicator__plan__district", "updated_by", "approved_by", "flagged_by", "corrects",
        "correction").first())
    if figure is None:
        merged = merged_into(Figure, pk)
        if merged is None:
            raise Http404
        return redirect("indicators:figure_detail", pk=merged)
    district = figure.indicator.plan.district
    require_perm(request, "plans.view_district", district)
    return render(request, "indicators/figure_detail.html", {
        "figure": figure, "indicator": figure.indicator, "district": district,
        "history": entry_history(figure, fields=FIGURE_HISTORY_FIELDS),
        "can_flag": request.user.has_perm("reporting.approve", district),
        "can_enter": request.user.has_perm("indicators.enter_figures", district),
        "flag_form": FlagForm(),
    })


# (修改原因 has a column of its own)
FIGURE_HISTORY_FIELDS = ["value", "done", "numerator", "denominator", "note", "reason", "remedy",
                         "evidence_link", "evidence_name", "review_status", "return_reason",
                         "flagged", "flag_comment"]


@require_POST
def figure_flag(request, pk):
    figure = get_object_or_404(Figure.objects.select_related("indicator__plan__district"), pk=pk)
    require_perm(request, "reporting.approve", figure.indicator.plan.district)
    form = FlagForm(request.POST)
    if form.is_valid():
        entry_flag(entry=figure, user=request.user, comment=form.cleaned_data["comment"])
        messages.success(request, _("已标记为待核查。"))
    else:
        messages.error(request, _("请填写核查意见。"))
    return redirect("indicators:figure_detail", pk=pk)


@require_POST
def figure_unflag(request, pk):
    figure = get_object_or_404(Figure.objects.select_related("indicator__plan__district"), pk=pk)
    require_perm(request, "reporting.approve", figure.indicator.plan.district)
    entry_clear_flag(entry=figure, user=request.user)
    messages.success(request, _("已解除核查标记。"))
    return redirect("indicators:figure_detail", pk=pk)


def target_adjust_view(request, pk):
    """A coordinator adjusts a target mid-plan with a reason; the original stays visible."""
    target = get_object_or_404(Target.objects.select_related("indicator__plan__district"), pk=pk)
    district = target.indicator.plan.district
    require_perm(request, "reporting.approve", district)
    if target.comparator in ("", "between"):
        raise Http404(_("只有数值目标可以调整"))
    form = TargetAdjustForm(request.POST or None, initial={"value": target.value})
    if request.method == "POST" and form.is_valid():
        try:
            target_adjust(target=target, value=form.cleaned_data["value"],
                          reason=form.cleaned_data["reason"], user=request.user)
        except (ValueError, EntryError) as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, _("目标值已调整，原目标值仍保留。"))
            return redirect("indicators:target_adjust", pk=pk)
    return render(request, "indicators/target_adjust.html", {
        "target": target, "indicator": target.indicator, "district": district, "form": form,
        "history": target.history.select_related("history_user").order_by("-history_date")[:20],
    })
