"""The English catalogue: complete and compiled, and the language switch changes the portal's
own words (headings, buttons, legends) while the plans' data stays as written.

The portal is Chinese unless the language cookie says otherwise; the browser's
Accept-Language is never consulted.
"""

import ast
import gettext
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from indicators.models import Figure, Indicator
from plans.models import Plan
from reporting.choices import ReviewStatus
from reporting.services import EntryInput, entries_return, entries_save, entries_submit
from tasks.models import Task, TaskProgress

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")

# Templates whose every Chinese word must come from the catalogue (data is rendered with {{ }}).
MARKED_TEMPLATES = [
    "base.html", "403.html", "404.html", "registration/*.html", "accounts/*.html",
    "plans/*.html", "indicators/*.html", "reporting/*.html", "tasks/*.html", "partials/*.html",
    "dashboards/overview.html", "dashboards/district.html", "dashboards/task_board.html",
    "dashboards/_year.html", "dashboards/progress_bar.html",
]


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: ``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr`` or
    ``msgstr[n]``, and ``flags``; the header (empty msgid) is the first entry."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {"flags": []}
        if line.startswith("#,"):
            entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _sep, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def translations(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [value for key, value in sorted(entry.items()) if key.startswith("msgstr[")]
    return [entry["msgstr"]]


@pytest.fixture(scope="module")
def entries():
    return read_po(CATALOGUE / "django.po")


def test_it_has_an_english_text_for_every_entry(entries):
    header, *messages = entries
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"] and "nplurals=2" in header["msgstr"]
    assert len(messages) > 800
    empty = [e["msgid"] for e in messages if not all(t.strip() for t in translations(e))]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert empty == [] and fuzzy == []
    plurals = [e for e in messages if "msgid_plural" in e]
    assert plurals and all(len(translations(e)) == 2 for e in plurals)


def test_it_keeps_every_placeholder(entries):
    for entry in entries[1:]:
        if "python-format" not in entry["flags"]:
            continue
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in translations(entry):
            assert sorted(PLACEHOLDER.findall(text)) == wanted, entry["msgid"]


def test_it_writes_english_not_chinese(entries):
    """Data examples aside (a unit's name, the plan's own words), no translation is Chinese."""
    allowed = {"按方案中的写法填写，如“区市场监管局（知识产权局）”", "如：验收、完成",
               "如“各开发区”“各街镇”，代表一组单位"}
    chinese = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")
    wrong = [e["msgid"] for e in entries[1:] if e["msgid"] not in allowed
             and any(chinese.search(t) for t in translations(e))]
    assert wrong == []


def test_it_ships_the_compiled_catalogue_of_the_same_texts(entries):
    """The .mo is committed (no gettext tools needed to run the portal) and matches the .po."""
    with open(CATALOGUE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in entries[1:]:
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            assert compiled.ngettext(msgid, entry["msgid_plural"], 1) == translations(entry)[0]
            assert compiled.ngettext(msgid, entry["msgid_plural"], 5) == translations(entry)[1]
        else:
            assert compiled.gettext(msgid) == entry["msgstr"], entry["msgid"]


def test_it_has_no_chinese_word_outside_translate_tags_in_the_portal_templates():
    root = Path(settings.BASE_DIR) / "templates"
    marked = re.compile(r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}"
                        r"|\{%\s*translate\s+(['\"]).*?\1.*?%\}|_\((['\"]).*?\2\)|\{#.*?#\}",
                        re.S)
    ideograph = re.compile(r"[\u4e00-\u9fff]+")
    found = []
    for pattern in MARKED_TEMPLATES:
        for path in sorted(root.glob(pattern)):
            if path.name.startswith("indicator_detail"):
                continue
            rest = marked.sub(" ", path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(root)}: {word}" for word in ideograph.findall(rest)]
    assert found == []


# The pages, in English.

def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    return response.content.decode()


def assert_english(content: str, shown: list[str], not_shown: list[str]):
    assert [s for s in shown if s not in content] == []
    assert [s for s in not_shown if s in content] == []


def binhai_plan() -> Plan:
    return Plan.objects.filter(district__code="binhai").order_by("pk").first()


def submit(code, number, year, value):
    indicator = Indicator.objects.get(plan__district__code=code, number=number)
    return Figure.objects.create(indicator=indicator, year=year, value=Decimal(value),
                                 review_status=ReviewStatus.SUBMITTED)


@pytest.mark.django_db
def test_it_shows_the_home_page_in_english(reporter_binhai, client_for):
    content = page(english(client_for(reporter_binhai)), reverse("plans:home"))
    assert_english(
        content,
        ["IP Plan Monitoring", "Home", "Log out", "My account", "My to-do list",
         "District IP plans", "Plan period", '<html lang="en">', '<option value="en" selected>'],
        ["首页", "退出", "我的账号", "我的待办", "各区知识产权规划", "规划期", "知识产权规划指标监测平台"],
    )
    assert "天津市滨海新区" in content  # the plans' data stays as written


@pytest.mark.django_db
def test_it_shows_the_entry_grid_in_english(reporter_binhai, client_for):
    plan = binhai_plan()
    content = page(english(client_for(reporter_binhai)),
                   reverse("indicators:entry_grid", args=["binhai", plan.pk, 2023]))
    assert_english(
        content,
        ["2023 indicator entry", "Save draft", "Save and submit for review", "Status legend",
         "Expected progress", "Baseline", "Download Excel workbook", "Achieved", "On track",
         "At risk", "Behind", "No data", "Evidence", 'data-typed-label="As typed"'],
        ["保存草稿", "保存并提交审核", "状态图例", "序时进度", "基础值", "本年目标", "佐证材料",
         "下载 Excel 填报表", "无数据", "按本次填报", "按已审核值"],
    )
    assert "有效发明专利量" in content  # an indicator's name is data


@pytest.mark.django_db
def test_it_shows_the_review_queue_in_english(coordinator_binhai, client_for):
    submit("binhai", "7", 2023, "21500")
    content = page(english(client_for(coordinator_binhai)),
                   reverse("reporting:queue", args=["binhai"]))
    assert_english(
        content,
        ["Review queue", "Indicator figures", "Follow-up list", "Approve", "Return",
         "Approve selected", "Return selected", "Reporter / submitted at", "Select all"],
        ["审核队列", "指标数据", "待核查清单", "批量通过", "批量退回", "填报人 / 提交时间", "全选",
         "退回原因"],
    )
    assert "有效发明专利量" in content and "21500" in content


@pytest.mark.django_db
def test_it_shows_the_task_progress_list_in_english(reporter_binhai, client_for):
    content = page(english(client_for(reporter_binhai)),
                   reverse("tasks:progress_list", args=["binhai", 2023]))
    assert_english(
        content,
        ["Key task progress", "Tasks your unit leads", "Responsible units", "Task status",
         "Latest progress", "Filter", "Not started", "Not reported", "Enter"],
        ["重点任务推进情况", "本单位牵头的任务", "推进状态", "最新进展", "筛选", "未开始", "未填报",
         "排序：", "逾期未报"],
    )
    assert "区市场监管局（知识产权局）" in content  # a unit's name is data


@pytest.mark.django_db
def test_it_shows_a_task_entry_in_english(reporter_binhai, client_for):
    progress = TaskProgress.objects.filter(task__plan__district__code="binhai").first()
    task = progress.task if progress else None
    if task is None:
        from tasks.models import Task

        unit = reporter_binhai.profile.unit
        task = Task.objects.rows().filter(plan__district__code="binhai", lead_unit=unit).first()
    content = page(english(client_for(reporter_binhai)),
                   reverse("tasks:progress_entry", args=[task.pk, 2023]))
    assert_english(
        content,
        ["Task progress report", "Lead unit", "Supporting units", "Save draft",
         "Submit for review", "Percent complete"],
        ["任务进展填报", "牵头单位", "配合单位", "保存草稿", "提交审核", "完成百分比"],
    )


@pytest.mark.django_db
def test_it_shows_the_overview_in_english(leader_binhai, client_for):
    content = page(english(client_for(leader_binhai)), reverse("dashboards:overview"))
    assert_english(
        content,
        ["Status legend", "As of year", "Latest year of each district", "Task board",
         "Reporting", "Achieved", "On track", "At risk", "Behind", "No data",
         "Below 85% of the expected value"],
        ["状态图例", "截至年份", "各区最新年度", "任务看板", "填报情况", "序时进度", "各区规划实施总览",
         "已完成", "预警", "滞后", "无数据"],
    )
    assert "滨海新区" in content


@pytest.mark.django_db
def test_it_shows_the_district_dashboard_in_english(leader_binhai, client_for):
    content = page(english(client_for(leader_binhai)),
                   reverse("dashboards:district", args=["binhai"]), year=2023)
    assert_english(
        content,
        ["Indicator results · as of 2023", "Percent complete", "Expected progress",
         "Task board", "All categories", "Filter", "Status legend", "As of year",
         "Percent complete and expected progress by indicator", "Indicator status by category"],
        ["指标完成情况", "完成率", "序时进度", "任务看板", "全部类别", "筛选", "状态图例", "截至年份",
         "各类别指标状态", "无数据"],
    )
    assert "有效发明专利量" in content


@pytest.mark.django_db
def test_it_stays_chinese_without_the_cookie_whatever_the_browser_asks(
        reporter_binhai, leader_binhai, client_for):
    plan = binhai_plan()
    reporter = client_for(reporter_binhai)
    home = reporter.get(reverse("plans:home"), HTTP_ACCEPT_LANGUAGE="en")
    grid = reporter.get(reverse("indicators:entry_grid", args=["binhai", plan.pk, 2023]),
                        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    overview = client_for(leader_binhai).get(reverse("dashboards:overview"),
                                             HTTP_ACCEPT_LANGUAGE="en")
    assert home["Content-Language"] == "zh-hans"
    assert_english(home.content.decode(), ["首页", "我的待办", "各区知识产权规划"],
                   ["My to-do list", "Log out"])
    assert_english(grid.content.decode(), ["保存草稿", "状态图例", "序时进度", "按本次填报"],
                   ["Save draft", "Status legend", "Expected progress"])
    assert_english(overview.content.decode(), ["状态图例", "截至年份", "已完成"],
                   ["Status legend", "As of year", "Achieved"])


@pytest.mark.django_db
def test_it_switches_back_to_chinese(reporter_binhai, client_for):
    client = english(client_for(reporter_binhai))
    assert "My to-do list" in page(client, reverse("plans:home"))
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    content = client.get(reverse("plans:home")).content.decode()
    assert "我的待办" in content and "My to-do list" not in content


@pytest.mark.django_db
def test_it_names_each_language_in_its_own_words(reporter_binhai, client_for):
    chinese = client_for(reporter_binhai).get(reverse("plans:home")).content.decode()
    assert '<option value="en">English</option>' in chinese and "英语" not in chinese
    english_page = page(english(client_for(reporter_binhai)), reverse("plans:home"))
    assert '<option value="zh-hans">简体中文</option>' in english_page


@pytest.mark.django_db
def test_it_shows_the_history_steps_in_english_whatever_language_stored_them(
        reporter_binhai, coordinator_binhai, client_for):
    indicator = Indicator.objects.get(plan__district__code="binhai", number="7")
    key = ("indicator_id", "year")
    (figure,) = entries_save(model=Figure, key_fields=key, user=reporter_binhai,
                             inputs=[EntryInput((indicator.pk, 2023), 0, {"value": Decimal(9)})])
    entries_submit(entries=[figure], user=reporter_binhai)
    entries_return(entries=[figure], user=coordinator_binhai, reason="请核对")
    content = page(english(client_for(coordinator_binhai)),
                   reverse("indicators:figure_detail", args=[figure.pk]))
    assert_english(content, ["Created", "Submit for review", "Returned: 请核对"],
                   ["新建", "提交审核", "退回："])
    content = client_for(coordinator_binhai).get(
        reverse("indicators:figure_detail", args=[figure.pk])).content.decode()
    assert "新建" in content and "提交审核" in content and "退回：请核对" in content


@pytest.mark.django_db
def test_it_writes_english_punctuation_between_words_and_data(leader_binhai, client_for):
    client = english(client_for(leader_binhai))
    seven = Indicator.objects.get(plan__district__code="binhai", number="7")
    content = page(client, reverse("dashboards:indicator", args=[seven.pk]), year=2023)
    assert f"Compare districts: {seven.get_concept_display()}" in content
    assert "Source pointer: " in content and "：" not in content.split("<main")[1].split(
        "<h1>")[1].split("</h1>")[0]
    compare = page(client, reverse("dashboards:compare", args=[seven.concept]), year=2023)
    assert "Compare districts: " in compare and "Compare districts：" not in compare
    overview = page(client, reverse("dashboards:overview"))
    assert "in all. " in overview and "in all。" not in overview
    plan = page(client, reverse("dashboards:plan", args=[binhai_plan().pk]))
    assert "</strong> (20 in the indicator table, 21 goals in the text)</li>" in plan
    assert "</strong>（" not in plan


@pytest.mark.django_db
def test_it_names_the_workbook_sheets_in_english(leader_binhai, client_for):
    client = english(client_for(leader_binhai))
    for name, sheets in (("reports:indicators", ["Indicator results"]),
                         ("reports:tasks", ["Task progress"])):
        response = client.get(reverse(name, args=["binhai"]), {"year": 2023})
        assert openpyxl.load_workbook(BytesIO(response.content)).sheetnames == sheets
    response = client.get(reverse("reports:summary"), {"year": 2023})
    assert openpyxl.load_workbook(BytesIO(response.content)).sheetnames[0] == "Summary"


@pytest.mark.django_db
def test_it_writes_english_punctuation_around_data_on_the_entry_and_task_pages(
        reporter_binhai, coordinator_binhai, client_for):
    """The brackets and list commas around data are the page's, not the data's: in English
    " (…)" and ", "; in Chinese they stay （…） and 、. The data keeps its own punctuation."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from indicators.workbooks import entry_sheet
    from tests.indicators.test_workbooks import cell

    plan, client = binhai_plan(), english(client_for(reporter_binhai))
    chinese = client_for(reporter_binhai)
    unit = '有效发明专利量<span class="muted">{}件{}</span>'  # indicator 7, counted in 件
    supporting = "区科技局{}区工业和信息化局"  # sub-item (2)'s supporting units

    grid_url = reverse("indicators:entry_grid", args=["binhai", plan.pk, 2023])
    grid = page(client, grid_url)
    assert f"{plan.title} ({plan.period_label})" in grid and unit.format(" (", ")") in grid
    assert f"（{plan.period_label}）" not in grid and unit.format("（", "）") not in grid
    grid = chinese.get(grid_url).content.decode()
    assert f"{plan.title}（{plan.period_label}）" in grid and unit.format("（", "）") in grid

    download = client.get(reverse("indicators:entry_workbook", args=["binhai", plan.pk, 2023]))
    wb = openpyxl.load_workbook(BytesIO(download.content))
    assert "Entry" in wb.sheetnames and "填报表" not in wb.sheetnames
    assert cell(entry_sheet(wb), 2023, "7", "baseline").value.endswith(" (2021)")
    cell(entry_sheet(wb), 2023, "7", "value").value = 21500
    buffer = BytesIO()
    wb.save(buffer)
    response = client.post(reverse("indicators:entry_upload", args=["binhai", plan.pk, 2023]),
                           {"file": SimpleUploadedFile("entry.xlsx", buffer.getvalue())})
    preview = page(client, response["Location"])
    assert unit.format(" (", ")") in preview and unit.format("（", "）") not in preview

    tasks = page(client, reverse("tasks:progress_list", args=["binhai", 2023]))
    assert '<span class="muted"> (' in tasks and '<span class="muted">（' not in tasks
    assert supporting.format(", ") in tasks and supporting.format("、") not in tasks
    zh_tasks = chinese.get(reverse("tasks:progress_list", args=["binhai", 2023])).content.decode()
    assert '<span class="muted">（' in zh_tasks and supporting.format("、") in zh_tasks

    task = Task.objects.get(plan=plan, number="（2）")
    card = page(client, reverse("tasks:progress_entry", args=[task.pk, 2023]))
    assert f'{plan.title} <span class="muted"> ({plan.period_label})</span>' in card
    assert supporting.format(", ") in card and supporting.format("、") not in card

    approved = TaskProgress.objects.create(task=task, year=2023, quarter=0, status="in_progress",
                                           percent=50, review_status=ReviewStatus.APPROVED)
    TaskProgress.objects.create(task=task, year=2023, quarter=0, status="in_progress", percent=60,
                                corrects=approved, review_status=ReviewStatus.SUBMITTED)
    detail = page(client, reverse("tasks:progress_detail", args=[approved.pk]))
    assert "60% (Submitted)</a>" in detail and "60%（" not in detail

    ratio = Indicator.objects.get(plan=plan, number="2")
    figure = Figure.objects.create(
        indicator=ratio, year=2023, value=Decimal(28), numerator=Decimal(2800),
        denominator=Decimal(100000), review_status=ReviewStatus.APPROVED, flagged=True,
        flag_comment="请核实", flagged_by=coordinator_binhai, flagged_at=timezone.now())
    Figure.objects.create(indicator=ratio, year=2023, value=Decimal(30), corrects=figure,
                          review_status=ReviewStatus.SUBMITTED)
    url = reverse("indicators:figure_detail", args=[figure.pk])
    detail = page(client, url)
    assert "28 件 (2800 ÷ 100000)</dd>" in detail and "30 件 (Submitted)</a>" in detail
    assert "请核实 (coord_binhai " in detail and "请核实（" not in detail
    detail = chinese.get(url).content.decode()
    assert "28 件（2800 ÷ 100000）</dd>" in detail and "30 件（已提交）</a>" in detail
    assert "请核实（coord_binhai " in detail


@pytest.mark.django_db
def test_the_task_board_and_task_workbook_separate_units_in_the_pages_language(leader_binhai,
                                                                              client_for):
    task = next(t for t in Task.objects.filter(plan__district__code="binhai")
                .prefetch_related("supporting_units") if t.supporting_units.count() >= 2)
    first, second = [u.name for u in task.supporting_units.all()][:2]
    client = client_for(leader_binhai)
    board = reverse("dashboards:tasks", args=["binhai"])
    assert f"{first}、{second}" in client.get(board).content.decode()
    english(client)
    content = page(client, board)
    assert f"{first}, {second}" in content and f"{first}、{second}" not in content
    response = client.get(reverse("reports:tasks", args=["binhai"]))
    cells = [c for row in openpyxl.load_workbook(BytesIO(response.content)).active.iter_rows(
        values_only=True) for c in row if isinstance(c, str) and first in c and second in c]
    assert cells and all("、" not in c.split(first)[1].split(second)[0] for c in cells)
