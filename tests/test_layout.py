"""The layout rules of the walk-through at 1366 px: English text in a Latin font, a top bar that
wraps between its items, wide tables that scroll inside their box, long user names that break.

These read the stylesheet and the pages' markup; tests/browser/test_layout.py measures the same
pages in Chromium.
"""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from reporting.models import ReportingRound

CJK_FONTS = {"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei"}


def rules() -> dict[str, dict[str, str]]:
    """ipops.css as {selector: {property: value}} (one entry per selector of a group)."""
    text = re.sub(r"/\*.*?\*/", "", open(finders.find("css/ipops.css"), encoding="utf-8").read(),
                  flags=re.S)
    found = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (name.strip(), value.strip()) for name, _sep, value in
            (part.partition(":") for part in body.split(";") if ":" in part)
        )
        for selector in selectors.split(","):
            found.setdefault(" ".join(selector.split()), {}).update(declarations)
    return found


def test_it_writes_english_in_a_latin_font_first():
    english = rules()["body:lang(en)"]
    fonts = [f.strip().strip('"') for f in english["font-family"].split(",")]
    assert fonts[0] not in CJK_FONTS
    assert CJK_FONTS & set(fonts), "Chinese names in the data still get a Chinese font"
    assert fonts.index("Noto Sans CJK SC") > fonts.index("Arial")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_it_names_the_page_language_for_the_stylesheet(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert f'<html lang="{language}">' in client.get(reverse("login")).content.decode()


def test_the_top_bar_wraps_between_its_items_not_inside_them():
    css = rules()
    assert css[".topbar a"]["white-space"] == "nowrap"
    assert css[".topbar .link"]["white-space"] == "nowrap"
    assert css[".topbar nav"]["flex-wrap"] == "wrap"
    assert css[".topbar"]["flex-wrap"] == "wrap"
    assert "height" not in css[".topbar"], "a second row of the menu needs the room"
    assert css[".topbar .user"]["text-overflow"] == "ellipsis"  # a 150-character user name


def test_long_user_names_break_in_the_people_tables():
    css = rules()
    people = [s for s, d in css.items() if d.get("overflow-wrap") == "anywhere"]
    assert people == [".table td.breakable"]
    assert not any(s in (".table td", ".table th") for s in people), "only the name columns"


@pytest.mark.django_db
def test_the_round_tables_scroll_inside_their_box(admin_user_portal, coordinator_binhai,
                                                   client_for):
    assert rules()[".table-wrap"]["overflow-x"] == "auto"
    assert "min-width" in rules()[".table .title-col"]
    ReportingRound.objects.create(year=2023, deadline="2024-01-31")
    rounds = client_for(admin_user_portal).get(reverse("rounds:round_list")).content.decode()
    assert '<div class="table-wrap">\n<table class="table">' in rounds
    assert 'class="secondary nowrap">改截止日期</button>' in rounds
    status = client_for(coordinator_binhai).get(
        reverse("rounds:round_status", args=["binhai", 2023])).content.decode()
    assert '<div class="table-wrap">\n<table class="table" id="figures">' in status
    assert '<div class="table-wrap">\n<table class="table" id="units">' in status
    assert '<th class="title-col">规划方案</th>' in status
    assert status.count('<td class="title-col"><a href=') >= 1
