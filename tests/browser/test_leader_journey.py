"""A leader in a real browser: the overview, a district's dashboard, a filter, an indicator with
its chart and the plan's own sentence."""

from decimal import Decimal

import pytest

from indicators.models import Figure, Indicator
from reporting.choices import ReviewStatus
from tests.browser.conftest import shoot
from tests.users import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def approve(number, year, value):
    indicator = Indicator.objects.get(plan__district__code="binhai", number=number)
    Figure.objects.create(indicator=indicator, year=year, value=Decimal(value),
                          review_status=ReviewStatus.APPROVED)
    return indicator


def test_a_leader_goes_from_the_overview_to_an_indicator_and_the_plan_text(plans, new_page,
                                                                           live_server):
    make_user("lingdao", "leader", all_districts=True)
    for year, value in ((2022, 17000), (2023, 21500)):
        seven = approve("7", year, value)
    approve("8", 2023, 180)

    page = new_page("lingdao", PASSWORD)
    assert page.url.endswith("/overview/")  # a leader lands on the overview
    page.locator(".district-card h2 a", has_text="滨海新区").click()
    page.wait_for_load_state()
    assert "滨海新区 · 指标完成情况 · 截至 2023 年" in page.locator("h1").inner_text()
    page.locator(".chart .main-svg").first.wait_for()  # plotly drew the charts
    shoot(page, "district-dashboard")

    page.select_option("select[name=category]", "创造")
    page.click(".filters button[type=submit]")
    page.wait_for_load_state()
    table = page.locator("table.dashboard-table").inner_text()
    assert "有效发明专利量" in table and "知识产权司法案件受理数量" not in table  # 保护, filtered out

    page.click("table.dashboard-table a:has-text('有效发明专利量')")
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/indicators/{seven.pk}/")
    assert "有效发明专利量" in page.locator("h1").inner_text()
    page.locator("[data-figure='chart-indicator'] .main-svg").first.wait_for()
    words = page.locator("#plan-words").inner_text()
    assert "25000" in words and "有效发明专利量" in words
    shoot(page, "indicator-page")
