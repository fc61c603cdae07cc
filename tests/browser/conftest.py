"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

They run last (see tests/conftest.py): the live server needs a transactional database, which
is emptied after each such test, so each test loads the plans it needs itself.
"""

import os
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser"]
SCREENSHOTS = os.getenv("SCREENSHOT_DIR", "")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str | None:
    return next((p for p in CHROMIUM_PATHS if os.path.exists(p)), shutil.which("chromium"))


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None and os.getenv("REQUIRE_BROWSER"):
        pytest.fail("REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
    if path is None:
        pytest.skip("没有找到 Chromium，跳过浏览器测试。安装方法：apt-get install chromium fonts-noto-cjk "
                    "(no Chromium found: install the Debian packages chromium and fonts-noto-cjk "
                    "to run the browser tests)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ])
        yield browser
        browser.close()


@pytest.fixture
def plans(transactional_db):
    call_command("load_plans", stdout=StringIO())


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(username, password)``: a page of its own browser context, logged in."""
    contexts = []

    def open_page(username: str, password: str):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_page
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    """Keep a screenshot when SCREENSHOT_DIR is set (to look at the pages as a user sees them)."""
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=False)
