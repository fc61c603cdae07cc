"""The indicator page, the district comparison and the plan page (read-only, GET)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.access import require_perm
from accounts.selectors import visible_districts
from dashboards.indicator_charts import compare_chart, indicator_chart
from dashboards.indicator_selectors import (
    compare_default_year, compare_rows, compare_years, indicator_page, plan_counts,
    plan_default_year, plan_rows,
)
from dashboards.selectors import judged_year
from dashboards.tables import compare_table_rows
from indicators.choices import Concept
from indicators.models import Indicator
from indicators.progress import legend
from indicators.selectors import progress_band
from ipops.years import asked_year
from plans.models import Plan


def indicator_view(request, pk):
    """One indicator: targets, actuals and status per year, figures with history, linked tasks
    and the plan's own words."""
    indicator = get_object_or_404(
        Indicator.objects.select_related("plan__district", "quantity_indicator"), pk=pk)
    district = indicator.plan.district
    require_perm(request, "plans.view_district", district)
    asked = asked_year(request)
    page = indicator_page(indicator=indicator,
                          year=asked and judged_year(asked, indicator.plan.end_year))
    return render(request, "dashboards/indicator_detail.html", {
        "page": page, "indicator": indicator, "plan": indicator.plan, "district": district,
        "year": page.year, "asked": asked, "years": page.years, "chart": indicator_chart(page),
        "legend": legend(progress_band()),
        "concept_label": Concept(indicator.concept).label if indicator.concept else "",
        "can_enter": request.user.has_perm("indicators.enter_figures", district),
    })


def compare_view(request, concept):
    """Every visible district's indicators of one concept, side by side."""
    if concept not in Concept.values:
        raise Http404("unknown concept")
    chosen = request.GET.get("concept", "")
    if chosen in Concept.values and chosen != concept:  # the concept switch (a plain GET form)
        year = asked_year(request)
        return redirect(reverse("dashboards:compare", args=[chosen])
                        + (f"?year={year}" if year else ""))
    districts = visible_districts(request.user)
    year = asked_year(request) or compare_default_year(concept, districts)
    years = compare_years(concept, districts)
    if year not in years:
        years = sorted(set(years) | {year})
    rows = compare_rows(concept=concept, districts=districts, year=year)
    return render(request, "dashboards/compare.html", {
        "concept": concept, "concept_label": Concept(concept).label, "concepts": Concept.choices,
        "rows": rows, "body": compare_table_rows(rows, year=year), "chart": compare_chart(rows),
        "year": year, "years": years,
        "legend": legend(progress_band()),
    })


def plan_view(request, pk):
    """A plan: title, issuer, period, source, the transcription note, counts and indicators."""
    plan = get_object_or_404(Plan.objects.select_related("district"), pk=pk)
    require_perm(request, "plans.view_district", plan.district)
    year = asked_year(request) or plan_default_year(plan)
    return render(request, "dashboards/plan_detail.html", {
        "plan": plan, "district": plan.district, "counts": plan_counts(plan),
        "rows": plan_rows(plan, year), "year": year,
        "years": sorted(set(range(plan.start_year, plan.end_year + 1)) | {year}),
        "legend": legend(progress_band()),
    })
