"""The pages the benchmark measures, as the users who open them, and the summary workbook."""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.selectors import visible_districts
from accounts.sessions import SEEN_AT
from bench.dataset import Dataset
from bench.measure import PageResult, WorkbookResult, measure_page, measure_workbook, profile
from indicators.forms import FigureForm
from indicators.models import Figure, Indicator
from indicators.services import grid_rows
from plans.models import District, Plan

PAGE_NAMES = ["overview", "overview_one_changed", "overview_all_changed", "district", "indicator",
              "tasks", "compare", "entry_grid", "grid_save"]
# For reference, not a target: a page that reads little more than its user (what Django's
# middleware, session, login check and the base template cost on any page).
BASELINE = "baseline"


@dataclass
class Page:
    name: str
    url: str
    request: Callable
    expected: int = 200
    before: Callable = lambda: None
    write: bool = False


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _fresh_session(client: Client) -> Callable:
    """Mark the session as just seen, so the page does not write it this time (it writes the
    last-seen time at most once a minute): the same queries on every run."""
    def before():
        session = client.session
        session[SEEN_AT] = int(time.time())
        session.save()
    return before


def _value(row) -> str:
    """A plausible value for a grid row: last year's approved value plus 3%."""
    last = row.last_value
    if last is None:
        last = row.target.value if row.target is not None and row.target.value is not None \
            else Decimal(100)
    value = last * Decimal("1.03")
    if row.indicator.unit == "%":
        value = min(value, Decimal(100))
    return str(value.quantize(Decimal("0.01")))


def grid_post(plan: Plan, year: int) -> dict:
    """The POST of a full grid: every indicator's value as the grid's own forms name them."""
    data = {"action": "save"}
    for row in grid_rows(plan=plan, year=year):
        form = FigureForm(row=row)
        data[form["version"].html_name] = form.initial["version"]
        data[form["base_version"].html_name] = form.initial["base_version"]
        if "value" in form.fields:
            data[form["value"].html_name] = _value(row)
        if "done" in form.fields:
            data[form["done"].html_name] = "no"
        if "base_value" in form.fields and row.base_figure is not None:
            data[form["base_value"].html_name] = str(row.base_figure.value)
        if row.needs_reason:
            data[form["reason"].html_name] = "配套资金拨付滞后。"
            data[form["remedy"].html_name] = "加快拨付，倒排工期。"
    return data


def _grid_clear(plan: Plan, year: int) -> Callable:
    """Remove the grid year's figures (and their history), as before the first save."""
    ids = list(Indicator.objects.filter(plan=plan).values_list("pk", flat=True))

    def clear():
        Figure.objects.filter(indicator_id__in=ids, year=year).delete()
        Figure.history.filter(indicator_id__in=ids, year=year).delete()
    return clear


def pages(dataset: Dataset) -> list[Page]:
    if "testserver" not in settings.ALLOWED_HOSTS:  # the test client's host name
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    leader, coordinator = _client(dataset.leader), _client(dataset.coordinator)
    code, year = dataset.district_code, dataset.grid_year
    plan = Plan.objects.get(pk=dataset.plan_id)

    def get(client, url):
        return lambda: client.get(url, secure=True)

    def url(name, *args):
        try:
            return reverse(name, args=args)
        except Exception as exc:  # a page still being built: reported as failed
            return f"!{type(exc).__name__}: {exc}"

    listed = [
        ("overview", leader, url("dashboards:overview")),
        ("district", leader, url("dashboards:district", code)),
        ("indicator", leader, url("dashboards:indicator", dataset.indicator_id)),
        ("tasks", leader, url("dashboards:tasks", code)),
        ("compare", leader, url("dashboards:compare", dataset.concept)),
    ]
    result = [Page(name, address, get(client, address), before=_fresh_session(client))
              for name, client, address in listed]
    # The overview reads each district's summary from a snapshot that a change to the
    # district's data makes stale: after an approval in one district (that one is computed
    # again), and after every district changed (all are, as after a change of PROGRESS_BAND).
    overview, fresh_leader = result[0].url, _fresh_session(leader)
    for name, changed in (("overview_one_changed", District.objects.filter(code=code)),
                          ("overview_all_changed", District.objects.all())):
        def before(changed=changed):
            changed.mark_changed()
            fresh_leader()
        result.append(Page(name, overview, get(leader, overview), before=before, write=True))

    grid_url = url("indicators:entry_grid", code, plan.pk, year)
    clear, fresh = _grid_clear(plan, year), _fresh_session(coordinator)
    clear()
    data = grid_post(plan, year)

    def before_save():
        clear()
        fresh()

    # The save first: the grid is then loaded with the year's draft values in it.
    result.append(Page("grid_save", grid_url,
                       lambda: coordinator.post(grid_url, data, secure=True), expected=302,
                       before=before_save, write=True))
    result.append(Page("entry_grid", grid_url, get(coordinator, grid_url), before=fresh))
    mine = url("accounts:my_account")
    result.append(Page(BASELINE, mine, get(coordinator, mine), before=fresh))
    return result


def measure_all(dataset: Dataset, *, repeat: int, warmup: int, only: list[str] | None = None,
                log=print) -> tuple[dict[str, PageResult], WorkbookResult | None]:
    results = {}
    for page in pages(dataset):
        if only and page.name not in only:
            continue
        if page.url.startswith("!"):
            results[page.name] = PageResult(page.name, "", error=page.url[1:])
            log(f"  {page.name}: failed ({page.url[1:]})")
            continue
        results[page.name] = measure_page(
            page.name, page.url, page.request, expected=page.expected, repeat=repeat,
            warmup=warmup, before=page.before, write=page.write, log=log)
    results = {name: results[name] for name in [*PAGE_NAMES, BASELINE] if name in results}
    workbook = None
    if not only or "workbook" in only:
        leader = get_user_model().objects.get(username=dataset.leader)
        workbook = measure_workbook(districts=visible_districts(leader), year=dataset.data_year,
                                    repeat=min(repeat, 3), log=log)
    return results, workbook


def profile_page(dataset: Dataset, name: str, *, lines: int = 40) -> str:
    for page in pages(dataset):
        if page.name == name:
            page.before()
            page.request()  # warm
            return profile(page.request, before=page.before, lines=lines)
    raise ValueError(f"unknown page {name!r}; one of {', '.join(PAGE_NAMES)}")
