"""Download the fill-in workbook, upload it, preview, confirm or discard; bad files; rights."""

import zipfile
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Figure
from indicators.uploads import FigureUpload, UploadStatus
from indicators.workbooks import META, SHEET, build_workbook, entry_sheet
from plans.models import Plan
from tests.indicators.test_workbooks import approve, cell, find_row, plan_of, save
from tests.users import make_user

pytestmark = pytest.mark.django_db

YEAR = 2023


@pytest.fixture
def binhai():
    return plan_of("binhai")


def workbook_url(plan, year=YEAR):
    return reverse("indicators:entry_workbook", args=[plan.district.code, plan.pk, year])


def upload_url(plan, year=YEAR):
    return reverse("indicators:entry_upload", args=[plan.district.code, plan.pk, year])


def download(client, plan, year=YEAR):
    response = client.get(workbook_url(plan, year))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(BytesIO(response.content))


def as_file(wb, name="填报表.xlsx"):
    buffer = BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def fill(wb, values, year=YEAR):
    ws = entry_sheet(wb)
    for (number, column), value in values.items():
        cell(ws, year, number, column).value = value
    return wb


def post_upload(client, plan, upload, year=YEAR):
    return client.post(upload_url(plan, year), {"file": upload})


def uploaded(client, plan, values, year=YEAR):
    """Download, fill ``values``, upload; returns the FigureUpload."""
    response = post_upload(client, plan, as_file(fill(download(client, plan, year), values, year)),
                           year)
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = FigureUpload.objects.latest("pk")
    assert response["Location"] == reverse("indicators:entry_upload_confirm", args=[upload.pk])
    return upload


def confirm_url(upload):
    return reverse("indicators:entry_upload_confirm", args=[upload.pk])


def test_it_round_trips_figures_through_excel(client_for, reporter_binhai, binhai):
    client = client_for(reporter_binhai)
    upload = uploaded(client, binhai, {
        ("7", "value"): 21500,
        ("2", "numerator"): 2800, ("2", "denominator"): 1000000,  # 每万人口: 28
        ("T4", "done"): "是",
        ("8", "value"): 250, ("8", "note"): "+ 境外授权口径",
    })
    assert upload.status == UploadStatus.PENDING and upload.uploaded_by == reporter_binhai
    assert Figure.objects.filter(indicator__plan=binhai).count() == 0  # nothing yet

    page = client.get(confirm_url(upload))
    html = page.content.decode()
    assert page.status_code == 200
    assert "有效发明专利量" in html and "（空）</span> → <strong>21500" in html
    assert "28" in html and "是否完成" in html
    assert "4 项有变化" in html and "确认导入 4 项" in html
    assert "disabled" not in html.split('value="confirm"')[1].split(">")[0]

    response = client.post(confirm_url(upload), {"action": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:entry_grid",
                                           args=["binhai", binhai.pk, YEAR])
    figures = {f.indicator.number: f for f in Figure.objects.filter(
        indicator__plan=binhai, year=YEAR).select_related("indicator")}
    assert set(figures) == {"7", "2", "T4", "8"}
    assert figures["7"].value == Decimal("21500")
    assert figures["2"].value == Decimal("28") and figures["2"].numerator == Decimal("2800")
    assert figures["T4"].done is True
    assert figures["8"].note == "+ 境外授权口径"
    assert all(f.review_status == "draft" and f.created_by == reporter_binhai
               for f in figures.values())
    assert figures["7"].history.first().history_user == reporter_binhai
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED and upload.decided_by == reporter_binhai

    # the next download shows the saved values, and an untouched re-upload changes nothing
    wb = download(client, binhai)
    assert cell(wb[SHEET], YEAR, "7", "value").value == 21500
    again = uploaded(client, binhai, {})
    html = client.get(confirm_url(again)).content.decode()
    assert "没有需要导入的内容" in html
    assert client.post(confirm_url(again), {"action": "confirm"}).status_code == 400
    assert Figure.objects.get(pk=figures["7"].pk).version == 1


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_it_names_the_sheet_in_the_language_of_the_download(client_for, reporter_binhai, binhai):
    client = client_for(reporter_binhai)
    assert download(in_language(client, "zh-hans"), binhai).sheetnames[0] == "填报表"
    assert download(in_language(client, "en"), binhai).sheetnames[0] == "Entry"


def test_it_reads_a_workbook_downloaded_in_the_other_language(client_for, reporter_binhai,
                                                              binhai):
    """A reporter who downloads in English and uploads with the page in Chinese, or the
    reverse: the sheet and the milestone's answer are read in either language."""
    client = client_for(reporter_binhai)
    english = fill(download(in_language(client, "en"), binhai),
                   {("7", "value"): 21500, ("T4", "done"): "Yes"})  # as its list offers it
    response = post_upload(in_language(client, "zh-hans"), binhai, as_file(english))
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(response["Location"]).content.decode()
    assert "2 项有变化" in html and "未通过检查" not in html
    assert client.post(response["Location"], {"action": "confirm"}).status_code == 302
    figures = {f.indicator.number: f for f in Figure.objects.filter(indicator__plan=binhai)
               .select_related("indicator")}
    assert figures["7"].value == 21500 and figures["T4"].done is True

    chinese = fill(download(client, binhai), {("8", "value"): 250, ("T4", "done"): "否"})
    response = post_upload(in_language(client, "en"), binhai, as_file(chinese))
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(response["Location"]).content.decode()
    assert "2 changed" in html and "failed the checks" not in html
    assert client.post(response["Location"], {"action": "confirm"}).status_code == 302
    assert Figure.objects.get(indicator__plan=binhai, indicator__number="8").value == 250
    assert Figure.objects.get(indicator__plan=binhai, indicator__number="T4").done is False

    # a sheet named in neither language is not the platform's fill-in sheet
    renamed = download(in_language(client, "zh-hans"), binhai)
    renamed.worksheets[0].title = "Sheet1"
    response = post_upload(client, binhai, as_file(renamed))
    assert response.status_code == 400
    assert "不是本平台下载的填报表" in response.content.decode()


def test_it_saves_a_growth_quantity_and_its_base_year(client_for):
    baoshui = plan_of("baoshui")
    client = client_for(make_user("reporter_baoshui", "reporter", "baoshui"))
    wb = fill(download(client, baoshui, 2022), {("2", "value"): 12.5}, 2022)
    cell(wb[SHEET], 2022, "2", "value", row_year=2020).value = 8
    response = post_upload(client, baoshui, as_file(wb), 2022)
    assert response.status_code == 302
    upload = FigureUpload.objects.latest("pk")
    html = client.get(confirm_url(upload)).content.decode()
    assert "基期 2020 年的基础量" in html and "知识产权质押融资金额" in html
    assert "2 项有变化" in html
    assert client.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    values = dict(Figure.objects.filter(indicator__plan=baoshui, indicator__number="2")
                  .values_list("year", "value"))
    assert values == {2020: Decimal("8"), 2022: Decimal("12.5")}


def test_it_saves_nothing_when_one_row_is_bad(client_for, reporter_binhai, binhai):
    client = client_for(reporter_binhai)
    upload = uploaded(client, binhai, {
        ("7", "value"): 21500,
        ("14", "value"): 140,  # a rate in % above 100
    })
    page = client.get(confirm_url(upload))
    html = page.content.decode()
    assert "百分比不能超过 100" in html
    assert "有 1 项未通过检查" in html
    assert 'value="confirm" disabled' in html
    response = client.post(confirm_url(upload), {"action": "confirm"})
    assert response.status_code == 400
    assert "百分比不能超过 100" in response.content.decode()
    assert not Figure.objects.filter(indicator__plan=binhai).exists()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.PENDING


def test_it_shows_a_conflict_with_a_save_made_since_the_download(
        client_for, reporter_binhai, coordinator_binhai, binhai):
    client = client_for(reporter_binhai)
    wb = fill(download(client, binhai), {("7", "value"): 21500, ("8", "value"): 250})
    save(binhai, YEAR, coordinator_binhai, "7", value=Decimal("20000"))
    response = post_upload(client, binhai, as_file(wb))
    upload = FigureUpload.objects.latest("pk")
    html = client.get(response["Location"]).content.decode()
    assert "coord_binhai" in html and "已被" in html and "20000" in html
    response = client.post(confirm_url(upload), {"action": "confirm"})
    assert response.status_code == 400
    assert Figure.objects.get(indicator__plan=binhai, indicator__number="7").value == 20000
    assert not Figure.objects.filter(indicator__plan=binhai, indicator__number="8").exists()


def test_an_empty_row_of_an_older_download_leaves_a_colleagues_figure_alone(
        client_for, reporter_binhai, coordinator_binhai, binhai):
    client = client_for(reporter_binhai)
    wb = fill(download(client, binhai), {("7", "value"): 21500})
    save(binhai, YEAR, coordinator_binhai, "8", value=Decimal("250"))
    response = post_upload(client, binhai, as_file(wb))
    upload = FigureUpload.objects.latest("pk")
    html = client.get(response["Location"]).content.decode()
    assert "1 项有变化" in html
    assert client.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    values = dict(Figure.objects.filter(indicator__plan=binhai).values_list(
        "indicator__number", "value"))
    assert values == {"7": Decimal("21500"), "8": Decimal("250")}


def test_it_asks_a_note_for_a_big_move_and_a_reason_to_change_an_approved_figure(
        client_for, reporter_binhai, coordinator_binhai, binhai):
    approve(binhai, 2022, coordinator_binhai, "12", "500")
    approve(binhai, YEAR, coordinator_binhai, "13", "3000")
    client = client_for(reporter_binhai)
    upload = uploaded(client, binhai, {("12", "value"): 1000, ("13", "value"): 3100})
    html = client.get(confirm_url(upload)).content.decode()
    assert "请在说明中写明原因" in html
    assert "更正须在“修改原因”列写明原因" in html
    assert 'value="confirm" disabled' in html

    upload = uploaded(client, binhai, {
        ("12", "value"): 1000, ("12", "note"): "新设调解中心",
        ("13", "value"): 3100, ("13", "change_reason"): "法院更正统计",
    })
    html = client.get(confirm_url(upload)).content.decode()
    assert "未通过检查" not in html
    assert "提出更正：须重新提交审核；审核通过前，看板和报表仍按已审核值 3000。" in html
    assert client.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    approved = Figure.objects.get(indicator__plan=binhai, indicator__number="13", year=YEAR,
                                  corrects=None)
    assert approved.value == 3000 and approved.review_status == "approved"  # counts until…
    corrected = approved.correction  # …its correction is approved
    assert corrected.value == 3100 and corrected.review_status == "draft"
    assert corrected.change_reason == "法院更正统计"


def test_it_discards_an_upload(client_for, reporter_binhai, binhai):
    client = client_for(reporter_binhai)
    upload = uploaded(client, binhai, {("7", "value"): 21500})
    response = client.post(confirm_url(upload), {"action": "discard"})
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DISCARDED
    client.post(confirm_url(upload), {"action": "confirm"})
    assert not Figure.objects.filter(indicator__plan=binhai).exists()
    html = client.get(confirm_url(upload)).content.decode()
    assert "已放弃" in html and 'value="confirm"' not in html


# Bad files: a clear message on the form, nothing stored.

def _zip(entries: dict) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _other_plan_workbook(binhai):
    other = Plan.objects.create(district=binhai.district, title="滨海新区另一方案",
                                start_year=2023, end_year=2024)
    return build_workbook(plan=other, year=YEAR)


def _with_value(binhai, value):
    wb = openpyxl.load_workbook(BytesIO(build_workbook(plan=binhai, year=YEAR)))
    cell(wb[SHEET], YEAR, "7", "value").value = value
    return as_file(wb).read()


def _foreign_key(binhai):
    wb = openpyxl.load_workbook(BytesIO(build_workbook(plan=binhai, year=YEAR)))
    ws = wb[SHEET]
    ws.cell(find_row(ws, YEAR, "7"), 19).value = "99"
    return as_file(wb).read()


def _no_meta(binhai):
    wb = openpyxl.load_workbook(BytesIO(build_workbook(plan=binhai, year=YEAR)))
    del wb[META]
    return as_file(wb).read()


BAD_FILES = {
    "text": (lambda p: "序号,实际值\n7,21500\n".encode(), "不是有效的 Excel 文件"),
    "zip_not_xlsx": (lambda p: _zip({"a.txt": "x"}), "不是有效的 Excel 文件"),
    "many_entries": (lambda p: _zip({f"x{i}.xml": "x" for i in range(201)}), "部件过多"),
    "bomb": (lambda p: _zip({"[Content_Types].xml": "x",
                             "xl/workbook.xml": b"\0" * (51 * 1024 * 1024)}), "解压后过大"),
    "damaged": (lambda p: _zip({"[Content_Types].xml": "x", "xl/workbook.xml": "<not"}),
                "无法读取该 Excel 文件"),
    "not_template": (lambda p: as_file(openpyxl.Workbook()).read(), "不是本平台下载的填报表"),
    "no_meta": (_no_meta, "不是本平台下载的填报表"),
    "other_district": (lambda p: build_workbook(plan=plan_of("wuqing"), year=2019),
                       "属于“武清区”"),
    "other_plan": (_other_plan_workbook, "属于另一方案（滨海新区另一方案）"),
    "other_year": (lambda p: build_workbook(plan=p, year=2022), "是 2022 年的"),
    "abc": (lambda p: _with_value(p, "abc"), "“abc”不是有效的数字"),
    "comma": (lambda p: _with_value(p, "1,2"), "“1,2”不是有效的数字"),
    "foreign_key": (_foreign_key, "序号 99）：该指标不属于本方案"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_it_refuses_a_bad_file_and_changes_nothing(case, client_for, reporter_binhai, binhai):
    make, message = BAD_FILES[case]
    response = post_upload(client_for(reporter_binhai), binhai,
                           SimpleUploadedFile("填报表.xlsx", make(binhai)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "文件未导入" in html and message in html, html[html.find("upload-errors"):][:600]
    assert FigureUpload.objects.count() == 0
    assert not Figure.objects.filter(indicator__plan=binhai).exists()


def test_it_refuses_a_file_over_the_size_limit(client_for, reporter_binhai, binhai, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    data = build_workbook(plan=binhai, year=YEAR)
    assert len(data) > 4096
    response = post_upload(client_for(reporter_binhai), binhai,
                           SimpleUploadedFile("填报表.xlsx", data))
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert FigureUpload.objects.count() == 0


def test_it_shows_the_upload_form(client_for, reporter_binhai, binhai):
    response = client_for(reporter_binhai).get(upload_url(binhai))
    html = response.content.decode()
    assert response.status_code == 200
    assert "上传 2023 年 Excel 填报表" in html and workbook_url(binhai) in html
    assert 'enctype="multipart/form-data"' in html


def test_it_refuses_a_year_outside_the_plan(client_for, reporter_binhai, binhai):
    client = client_for(reporter_binhai)
    assert client.get(workbook_url(binhai, 2019)).status_code == 404
    assert client.get(upload_url(binhai, 2030)).status_code == 404


# Rights.

def test_another_districts_reporter_gets_403(client_for, reporter_binhai, reporter_wuqing, binhai):
    upload = uploaded(client_for(reporter_binhai), binhai, {("7", "value"): 21500})
    other = client_for(reporter_wuqing)
    assert other.get(workbook_url(binhai)).status_code == 403
    assert other.get(upload_url(binhai)).status_code == 403
    data = build_workbook(plan=binhai, year=YEAR)
    assert other.post(upload_url(binhai), {
        "file": SimpleUploadedFile("x.xlsx", data)}).status_code == 403
    assert other.get(confirm_url(upload)).status_code == 403
    assert other.post(confirm_url(upload), {"action": "confirm"}).status_code == 403
    assert not Figure.objects.exists()


def test_a_leader_may_not_download_or_upload(client_for, leader_binhai, leader_all, binhai):
    for leader in (leader_binhai, leader_all):
        client = client_for(leader)
        assert client.get(workbook_url(binhai)).status_code == 403
        assert client.get(upload_url(binhai)).status_code == 403


def test_only_the_uploader_or_a_coordinator_sees_an_upload(
        client_for, reporter_binhai, coordinator_binhai, leader_binhai, binhai):
    upload = uploaded(client_for(reporter_binhai), binhai, {("7", "value"): 21500})
    colleague = make_user("reporter_binhai_2", "reporter", "binhai")
    assert client_for(colleague).get(confirm_url(upload)).status_code == 403
    assert client_for(leader_binhai).get(confirm_url(upload)).status_code == 403
    coordinator = client_for(coordinator_binhai)
    assert coordinator.get(confirm_url(upload)).status_code == 200
    assert coordinator.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    assert Figure.objects.get(indicator__plan=binhai, indicator__number="7").value == 21500


def test_logged_out_visitors_are_sent_to_login(client, binhai):
    response = client.get(workbook_url(binhai))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Query counts: the preview and the confirmation do not grow with the rows.

NUMBERS = ["4", "5", "7", "8", "11", "12", "13", "16", "17", "18"]


def _count(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_the_preview_runs_the_same_queries_at_two_sizes(client_for, reporter_binhai, binhai,
                                                        django_assert_num_queries):
    client = client_for(reporter_binhai)
    small = uploaded(client, binhai, {(n, "value"): 10 for n in NUMBERS[:2]})
    large = uploaded(client, binhai, {(n, "value"): 10 for n in NUMBERS})
    expected = _count(lambda: client.get(confirm_url(small)))
    with django_assert_num_queries(expected):
        response = client.get(confirm_url(large))
    assert "10 项有变化" in response.content.decode()


def test_the_confirmation_runs_the_same_queries_at_two_sizes(client_for, reporter_binhai, binhai,
                                                             django_assert_num_queries):
    client = client_for(reporter_binhai)
    small = uploaded(client, binhai, {(n, "value"): 10 for n in NUMBERS[:2]})
    large = uploaded(client, binhai, {(n, "value"): 10 for n in NUMBERS[2:]})
    expected = _count(lambda: client.post(confirm_url(small), {"action": "confirm"}))
    with django_assert_num_queries(expected):
        response = client.post(confirm_url(large), {"action": "confirm"})
    assert response.status_code == 302
    assert Figure.objects.filter(indicator__plan=binhai).count() == 10


def test_the_download_runs_the_same_queries_for_a_small_and_a_large_plan(
        client_for, admin_user_portal, binhai, django_assert_num_queries):
    client = client_for(admin_user_portal)
    hongqiao = plan_of("hongqiao")  # 5 indicators; Binhai has 41
    expected = _count(lambda: client.get(workbook_url(hongqiao, 2025)))
    with django_assert_num_queries(expected):
        response = client.get(workbook_url(binhai))
    assert response.status_code == 200


def test_a_reason_and_remedy_alone_are_written_on_an_approved_figure(
        client_for, reporter_binhai, coordinator_binhai, binhai):
    approve(binhai, YEAR, coordinator_binhai, "13", "3000")
    client = client_for(reporter_binhai)
    upload = uploaded(client, binhai, {("13", "reason"): "案件分流至市中院",
                                       ("13", "remedy"): "对接市中院统计"})
    html = client.get(confirm_url(upload)).content.decode()
    assert "未通过检查" not in html and "修改原因" not in html.split("<table")[1]
    assert "说明滞后原因和整改措施：写在已审核的数据上，无需重新审核。" in html
    assert client.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    figure = Figure.objects.get(indicator__plan=binhai, indicator__number="13", year=YEAR)
    assert (figure.value, figure.review_status, figure.reason, figure.remedy) == (
        3000, "approved", "案件分流至市中院", "对接市中院统计")


def test_a_corrections_reason_can_be_reworded_alone(client_for, reporter_binhai,
                                                    coordinator_binhai, binhai):
    approve(binhai, YEAR, coordinator_binhai, "13", "3000")
    client = client_for(reporter_binhai)
    upload = uploaded(client, binhai, {("13", "value"): 3100, ("13", "change_reason"): "法院更正"})
    assert client.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    ws = download(client, binhai)[SHEET]  # the workbook carries the correction and its reason
    assert cell(ws, YEAR, "13", "change_reason").value == "法院更正"
    assert cell(ws, YEAR, "13", "value").value == 3100
    upload = uploaded(client, binhai, {("13", "change_reason"): "市中院更正统计"})
    html = client.get(confirm_url(upload)).content.decode()
    assert "市中院更正统计" in html and "未通过检查" not in html
    assert "修改更正：审核通过前，看板和报表仍按已审核值 3000。" in html
    assert client.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    correction = Figure.objects.get(indicator__plan=binhai, indicator__number="13", year=YEAR,
                                    corrects__isnull=False)
    assert (correction.value, correction.change_reason) == (3100, "市中院更正统计")


def test_the_preview_says_a_correction_brought_back_is_withdrawn(client_for, reporter_binhai,
                                                                 coordinator_binhai, binhai):
    approve(binhai, YEAR, coordinator_binhai, "13", "3000")
    client = client_for(reporter_binhai)
    upload = uploaded(client, binhai, {("13", "value"): 3100, ("13", "change_reason"): "法院更正"})
    assert client.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    upload = uploaded(client, binhai, {("13", "value"): 3000})
    html = client.get(confirm_url(upload)).content.decode()
    assert "撤销更正：数据恢复为已审核值 3000，更正不再送审。" in html
    assert client.post(confirm_url(upload), {"action": "confirm"}).status_code == 302
    figures = Figure.objects.filter(indicator__plan=binhai, indicator__number="13", year=YEAR)
    assert [(f.value, f.review_status) for f in figures] == [(3000, "approved")]
