"""The layout at 1366 px, measured in Chromium: the English top bar wraps between its items, a
150-character user name does not widen the people tables, the round tables stay in the page."""

import pytest

from reporting.models import ReportingRound
from tests.browser.conftest import shoot
from tests.users import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = ("x" * 60 + "_a_user_name_without_any_space_" + "y" * 60)[:150]

# How many lines each element's text takes (a Range has one rectangle per line box).
LINES = """selector => [...document.querySelectorAll(selector)].map(el => {
    const range = document.createRange(); range.selectNodeContents(el);
    return [el.textContent.trim(), new Set([...range.getClientRects()].map(r => r.top)).size];
})"""
PAGE_WIDTH = "document.documentElement.scrollWidth"
MAIN_RIGHT = "document.querySelector('main').getBoundingClientRect().right"


def in_english(page):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.reload()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_english_top_bar_wraps_between_its_items(plans, new_page):
    make_user("coord_binhai", "coordinator", "binhai")
    page = new_page("coord_binhai", PASSWORD)
    in_english(page)
    shoot(page, "top-bar-english")
    items = page.evaluate(LINES, ".topbar .brand, .topbar nav a, .topbar .user, .topbar button")
    assert "Indicator entry" in [text for text, _lines in items]
    assert [text for text, lines in items if lines != 1] == []
    assert page.evaluate(PAGE_WIDTH) <= 1366


def test_a_long_user_name_does_not_widen_the_people_tables(plans, new_page, live_server):
    make_user("admin_portal", "admin", superuser=True)
    make_user(LONG_NAME, "reporter", "binhai")  # also the reporter of the district's first unit
    page = new_page("admin_portal", PASSWORD)
    for url in ("/accounts/people/", "/accounts/districts/binhai/people/"):
        page.goto(live_server.url + url)
        in_english(page)
        assert LONG_NAME in page.content()
        widths = page.evaluate("[...document.querySelectorAll('main table')].map(t => "
                               "t.getBoundingClientRect().right)")
        assert widths and max(widths) <= page.evaluate(MAIN_RIGHT), url
        assert page.evaluate(PAGE_WIDTH) <= 1366, url
    shoot(page, "district-people-long-name")
    page = new_page(LONG_NAME, PASSWORD)
    assert page.evaluate(PAGE_WIDTH) <= 1366  # the name in the top bar is cut short


def test_the_round_tables_stay_in_the_page_in_english(plans, new_page, live_server):
    make_user("admin_portal", "admin", superuser=True)
    make_user("coord_binhai", "coordinator", "binhai")
    ReportingRound.objects.create(year=2023, deadline="2024-01-31", note="示例数据：由 seed_demo 生成")
    page = new_page("admin_portal", PASSWORD)
    page.goto(live_server.url + "/rounds/")
    in_english(page)
    shoot(page, "rounds-english")
    assert [text for text, lines in page.evaluate(LINES, "main table button") if lines != 1] == []
    right = page.evaluate("document.querySelector('main table').getBoundingClientRect().right")
    assert right <= page.evaluate(MAIN_RIGHT)

    page = new_page("coord_binhai", PASSWORD)
    page.goto(live_server.url + "/districts/binhai/rounds/2023/")
    in_english(page)
    shoot(page, "round-status-english")
    plan_column = page.evaluate("document.querySelector('#figures tbody td').offsetWidth")
    assert plan_column >= 200  # not four characters a line
    for wrap in page.evaluate("[...document.querySelectorAll('.table-wrap')].map(w => "
                              "[w.getBoundingClientRect().right, getComputedStyle(w).overflowX])"):
        assert wrap[0] <= page.evaluate(MAIN_RIGHT) and wrap[1] == "auto"
    assert page.evaluate(PAGE_WIDTH) <= 1366
