from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from accounts.access import district_or_403
from accounts.selectors import visible_districts
from dashboards import charts
from dashboards.filters import IndicatorFilterSet
from dashboards.selectors import (
    data_year, district_rows, district_year_choices, for_cards, judged_year, last_end_year,
    overview, plan_start, plans_ended, report_plans, task_board, task_statuses, year_choices,
)
from dashboards.tables import IndicatorProgressTable, task_board_rows
from indicators.models import Indicator
from indicators.progress import legend
from indicators.selectors import progress_band
from ipops.years import asked_year
from plans.models import Unit
from tasks.choices import ProgressStatus



def _year(request, district) -> tuple[int, int]:
    """The year asked for (else the latest year with approved figures), and the year the
    district is judged as of: the same, or its plans' last year once they have all ended."""
    asked = asked_year(request) or data_year([district])
    return asked, judged_year(asked, last_end_year(district))


def _task_labels() -> dict:
    return {**dict(ProgressStatus.choices), "none": _("未填报")}


OVERVIEW_PER_PAGE = 24


def overview_view(request):
    """Every district the user may see: the heat map of all of them, and a card per district
    (status shares, tasks, reporting, what needs attention), a page of cards at a time."""
    districts = visible_districts(request.user)
    if not districts.exists():
        raise PermissionDenied
    year = asked_year(request)
    summaries, heat = overview(districts=districts, year=year)
    latest = max(s.year for s in summaries)
    sort = "attention" if request.GET.get("sort") == "attention" else ""
    if sort:  # a stable sort: then by district
        summaries = sorted(summaries, key=lambda s: s.attention, reverse=True)
    page = Paginator(summaries, OVERVIEW_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dashboards/overview.html", {
        "year": year, "page": page,
        # the plans' years, and each district's latest year with data when no year is chosen
        # (read for the overview already: no district's data is read again for the choice)
        "years": year_choices(year or latest,
                              [(s.district.first_start, s.district.last_end) for s in summaries],
                              [] if year else [s.year for s in summaries]),
        # The summary workbook holds one year: the one chosen, else the latest shown.
        "summary_year": year or latest,
        "summaries": for_cards(page.object_list), "sort": sort,
        "query": urlencode({k: v for k, v in (("year", year), ("sort", sort)) if v}),
        "heat": charts.heat_map(heat) if heat["categories"] else None,
        "legend": legend(progress_band()), "task_labels": _task_labels(),
    })


def district_view(request, code):
    """A district's indicators against target: table, filters and charts."""
    district = district_or_403(request, code, "plans.view_district")
    asked, year = _year(request, district)
    filterset = IndicatorFilterSet(request.GET or None, district=district,
                                   queryset=Indicator.objects.filter(plan__district=district))
    # A filter value the form refuses (an edited address) is ignored and said; the others apply.
    indicators = filterset.qs if filterset.is_bound else None
    rows = district_rows(district=district, year=year, indicators=indicators)
    shown = filterset.status_of_rows(rows) if filterset.is_bound else rows
    table = IndicatorProgressTable(shown, year=year)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    tasks = task_statuses(district=district, year=year)
    return render(request, "dashboards/district.html", {
        "district": district, "year": year, "asked": asked,
        "years": district_year_choices(district, year),
        "plan_start": plan_start(rows, year),  # a plan not started yet: its rows are not judged
        "plans_ended": plans_ended(rows, year),  # judged as of their last year
        # A 指标完成情况表 is one plan's: a download for each plan the rows come from.
        "report_plans": [] if filterset.applied().get("plan") else report_plans(rows),
        # of all the district's indicators, whichever filters narrowed the rows
        "filter": filterset, "table": table, "count": len(shown),
        "total": filterset.queryset.count() if filterset.is_bound else len(rows),
        "legend": legend(progress_band()),
        "chart_percent": charts.percent_by_indicator(shown),
        "chart_categories": charts.status_by_category(shown),
        "chart_units": charts.tasks_by_unit(tasks, _task_labels()) if tasks else None,
        "query": urlencode({"year": year, **filterset.applied()}),
    })


def task_board_view(request, code, unit_pk=None):
    """The district's task tree with the latest approved progress; per unit with red items first."""
    district = district_or_403(request, code, "plans.view_district")
    asked, year = _year(request, district)
    units = list(Unit.objects.filter(district=district, led_tasks__isnull=False).distinct()
                 .order_by("position", "name"))
    unit = None
    chosen = unit_pk or request.GET.get("unit", "")
    if str(chosen).isdigit():
        unit = get_object_or_404(Unit, pk=int(chosen), district=district)
    labels = _task_labels()
    status = request.GET.get("status", "")
    if status not in labels:
        status = ""
    rows = task_board(district=district, year=year, unit=unit, status=status)
    own_unit = getattr(getattr(request.user, "profile", None), "unit_id", None)
    return render(request, "dashboards/task_board.html", {
        "district": district, "year": year, "asked": asked,
        "years": district_year_choices(district, year),
        "rows": rows, "units": units, "unit": unit, "status": status,
        "body": task_board_rows(rows, district=district, unit=unit, year=year, labels=labels),
        "task_labels": labels, "own_unit": own_unit, "counts": _count_statuses(rows, labels),
    })


def _count_statuses(rows, labels: dict) -> list[tuple[str, str, int]]:
    counts = {key: 0 for key in labels}
    for row in rows:
        counts[row.dash_status or "none"] += 1
    return [(key, labels[key], counts[key]) for key in labels]
