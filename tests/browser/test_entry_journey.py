"""A reporter and a coordinator in real browsers: fill the 滨海 2023 grid, save a draft, submit,
return one figure with a reason, fix and resubmit, approve; the history shows every step and
`manage.py progress` reflects the approved values."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from indicators.models import Figure, Indicator
from indicators.services import grid_rows
from plans.models import Plan
from reporting.choices import ReviewStatus
from tests.browser.conftest import shoot
from tests.users import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reporter_and_a_coordinator_take_a_grid_through_review(plans, new_page, live_server):
    make_user("tianbao", "reporter", "binhai", "区市场监管局（知识产权局）")
    make_user("shenhe", "coordinator", "binhai")
    plan = Plan.objects.get(district__code="binhai")
    seven = Indicator.objects.get(plan=plan, number="7")
    eight = Indicator.objects.get(plan=plan, number="8")

    reporter = new_page("tianbao", PASSWORD)
    assert "退出" in reporter.content()
    grid = f"{live_server.url}/districts/binhai/plans/{plan.pk}/entry/2023/"
    reporter.goto(grid)
    assert reporter.locator("h1").inner_text() == "2023 年度指标填报"

    # Typed by hand: the status colour follows as one types (the engine's answer).
    reporter.fill(f"input[name='i{seven.pk}-value']", "21500")
    reporter.locator(f"#ind-{seven.pk} .live-status .status-on_track").wait_for()
    assert "正常" in reporter.locator(f"#ind-{seven.pk} .live-status").inner_text()
    reporter.fill(f"input[name='i{eight.pk}-value']", "9999")
    reporter.fill(f"input[name='i{eight.pk}-note']", "含港澳台授权")
    reporter.click("button[value=save]")
    assert "已保存为草稿" in reporter.content()
    assert Figure.objects.get(indicator=seven, year=2023).value == 21500

    # The rest of the grid at its expected values, then submit.
    values = {}
    for row in grid_rows(plan=plan, year=2023):
        pk = row.indicator.pk
        if pk in (seven.pk, eight.pk) or row.linked:
            continue
        if row.kind == "milestone":
            values[f"i{pk}-done"] = "no"
        else:
            values[f"i{pk}-value"] = str(round(row.progress.expected or 1, 2))
    reporter.evaluate("""values => {
        for (const [name, value] of Object.entries(values)) {
            document.querySelector(`[name="${name}"]`).value = value;
        }
    }""", values)
    shoot(reporter, "entry-grid-filled")
    reporter.click("button[value=submit]")
    assert re.search(r"已提交 40 项", reporter.content())

    # The coordinator returns row 8 with a reason.
    coordinator = new_page("shenhe", PASSWORD)
    coordinator.goto(f"{live_server.url}/districts/binhai/review/")
    figure_eight = Figure.objects.get(indicator=eight, year=2023)
    row = coordinator.locator(f"#figure-{figure_eight.pk}")
    row.locator("summary").click()
    row.locator("textarea").fill("数值明显偏大，请核对")
    shoot(coordinator, "review-queue")
    row.locator("button[name=return_one]").click()
    assert "已退回 1 项" in coordinator.content()

    # The reporter sees the reason, fixes the value and resubmits.
    reporter.goto(grid)
    assert "退回原因：数值明显偏大，请核对" in reporter.content()
    reporter.fill(f"input[name='i{eight.pk}-value']", "260")
    reporter.click("button[value=submit]")
    assert "已提交 1 项" in reporter.content()

    # The coordinator approves everything at once.
    coordinator.goto(f"{live_server.url}/districts/binhai/review/")
    coordinator.locator("table").first.locator("input.select-all").check()
    coordinator.click("button[name=bulk][value=approve]")
    assert "已审核通过 41 项" in coordinator.content() or "已审核通过 40 项" in coordinator.content()
    assert set(Figure.objects.filter(indicator__plan=plan).values_list(
        "review_status", flat=True)) == {ReviewStatus.APPROVED}

    # History of row 8: every step with who and when.
    reporter.goto(f"{live_server.url}/figures/{figure_eight.pk}/")
    history = reporter.locator("table.history").inner_text()
    for step in ("新建", "修改", "提交审核", "退回：数值明显偏大，请核对", "审核通过", "9999", "260",
                 "tianbao", "shenhe"):
        assert step in history, step
    shoot(reporter, "figure-history")

    out = StringIO()
    call_command("progress", "--district", "binhai", "--year", "2023", "--json", stdout=out)
    rows = {r["number"]: r for r in json.loads(out.getvalue())["indicators"]}
    assert (rows["7"]["actual"], rows["7"]["status"], rows["7"]["percent"]) == (
        21500.0, "on_track", 70.67)
    assert rows["8"]["actual"] == 260.0
