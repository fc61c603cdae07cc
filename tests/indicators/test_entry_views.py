"""The entry grid: what it shows, validation next to each field, drafts, submission, approval,
corrections, conflicts, evidence, rights and query counts."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from indicators.models import Figure, Indicator, Target
from plans.models import District, Plan
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from tests.users import make_user

pytestmark = pytest.mark.django_db


def binhai_plan():
    return Plan.objects.get(district__code="binhai")


def grid_url(plan=None, year=2023, code="binhai"):
    plan = plan or binhai_plan()
    return reverse("indicators:entry_grid", args=[code, plan.pk, year])


def ind(number, code="binhai"):
    return Indicator.objects.get(plan__district__code=code, number=number)


def grid_post(client, data: dict, plan=None, year=2023, action="save", code="binhai",
              page=None, raw=None):
    """POST the grid as a browser would: every form's version and current values, plus ``data``
    (keyed "<number>-<field>") and ``raw`` (keyed by input name); from ``page`` when given (a
    grid loaded earlier)."""
    response = page or client.get(grid_url(plan, year, code))
    assert response.status_code == 200
    post = {"action": action}
    for form in response.context["forms"]:
        for field in form:
            value = field.value()
            if value is None or field.name == "evidence_file":
                continue
            post[field.html_name] = value
    for key, value in data.items():
        number, field = key.rsplit("-", 1)
        post[f"i{ind(number, code).pk}-{field}"] = value
    post.update(raw or {})
    return client.post(grid_url(plan, year, code), post)


@pytest.fixture
def reporter(reporter_binhai, client_for):
    return client_for(reporter_binhai)


@pytest.fixture
def coordinator(coordinator_binhai, client_for):
    return client_for(coordinator_binhai)


def test_it_shows_every_indicator_with_baseline_target_and_expected_value(reporter):
    response = reporter.get(grid_url())
    content = response.content.decode()
    assert len(response.context["forms"]) == 41
    assert "有效发明专利量" in content and "21022" in content  # E(2023) of row 7
    assert "13066" in content and "≥25000" not in content  # no 2023 target: final shown
    for category in ("政策", "创造", "保护", "运用", "服务"):
        assert f'<tr class="group"><th colspan="9">{category}</th></tr>' in content
    row_t5 = next(f for f in response.context["forms"] if f.indicator.number == "T5")
    assert "value" not in row_t5.fields  # linked to row 17: entered there
    assert "使用指标 17 的数据" in content
    legend = response.context["legend"]
    assert [str(r["label"]) for r in legend] == ["已完成", "正常", "预警", "滞后", "无数据"]


def test_a_growth_indicator_asks_for_its_base_year_quantity_once(client_for):
    reporter = client_for(make_user("rep_baoshui", "reporter", "baoshui"))
    plan = Plan.objects.get(district__code="baoshui")
    response = reporter.get(grid_url(plan, 2021, "baoshui"))
    form = next(f for f in response.context["forms"] if f.indicator.number == "2")
    assert "base_value" in form.fields and form.row.base_year == 2020
    assert form.fields["value"].label == "知识产权质押融资金额"
    response = grid_post(reporter, {"2-value": "13", "2-base_value": "10"}, plan, 2021,
                         code="baoshui")
    assert response.status_code == 302
    figures = dict(Figure.objects.filter(indicator=ind("2", "baoshui")).values_list("year", "value"))
    assert figures == {2020: Decimal("10"), 2021: Decimal("13")}


def test_it_saves_a_draft_and_keeps_history_with_who(reporter, reporter_binhai):
    response = grid_post(reporter, {"7-value": "21500", "7-note": "年报数据", "T19-done": "no"})
    assert response.status_code == 302
    figure = Figure.objects.get(indicator=ind("7"), year=2023)
    assert (figure.value, figure.note, figure.review_status) == (
        Decimal("21500"), "年报数据", ReviewStatus.DRAFT)
    assert figure.history.get().history_user == reporter_binhai
    assert Figure.objects.get(indicator=ind("T19"), year=2023).done is False
    assert Figure.objects.filter(indicator__plan=binhai_plan()).count() == 2


@pytest.mark.parametrize("data, field, message", [
    ({"7-value": "abc"}, "7-value", "请输入一个数字（如 1250 或 3.5），不要带单位、逗号或文字。"),
    ({"7-value": "1,2"}, "7-value", "请输入一个数字"),
    ({"7-value": "1.23456"}, "7-value", "最多保留 4 位小数"),
    ({"7-value": "-5"}, "7-value", "不能为负数"),
    ({"1-value": "120"}, "1-value", "百分比不能超过 100"),
    ({"T15-value": "-3"}, "T15-value", "累计指标填写本年新增量，不能小于 0"),
    ({"2-value": "30", "2-numerator": "300", "2-denominator": "20"}, "2-value",
     "与分子、分母不符"),
    ({"2-numerator": "3"}, "2-denominator", "分子和分母须同时填写"),
])
def test_invalid_input_saves_nothing_and_keeps_what_was_typed(reporter, data, field, message):
    data = {"8-value": "250", **data}  # a valid value beside the bad one is not saved either
    response = grid_post(reporter, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    number, name = field.rsplit("-", 1)
    form = next(f for f in response.context["forms"] if f.indicator.number == number)
    assert message in " ".join(str(e) for e in form.errors.get(name, []))
    for key, value in data.items():
        assert f'value="{value}"' in content
    assert not Figure.objects.filter(indicator__plan=binhai_plan()).exists()


def test_a_big_move_from_last_year_needs_a_note(reporter):
    Figure.objects.create(indicator=ind("7"), year=2022, value=Decimal(17000),
                          review_status=ReviewStatus.APPROVED)
    response = grid_post(reporter, {"7-value": "30000"})
    assert response.status_code == 200
    assert "与上年已审核值 17000 相比变动 76.47%，超过 50%" in response.content.decode()
    assert not Figure.objects.filter(indicator=ind("7"), year=2023).exists()
    response = grid_post(reporter, {"7-value": "30000", "7-note": "统计口径调整，含新并入企业"})
    assert response.status_code == 302
    assert Figure.objects.get(indicator=ind("7"), year=2023).value == 30000


def test_a_ratio_from_numerator_and_denominator_is_computed(reporter):
    # Row 2: 每万人口高价值发明专利拥有量 = 专利数 ÷ 人口 × 10000.
    assert grid_post(reporter, {"2-numerator": "6000", "2-denominator": "2100000"}).status_code == 302
    figure = Figure.objects.get(indicator=ind("2"), year=2023)
    assert figure.value == Decimal("28.5714")
    assert (figure.numerator, figure.denominator) == (6000, 2100000)


def full_grid(client, **values) -> dict:
    """A value for every indicator of the 滨海 2023 grid (its expected value), then ``values``."""
    data = {}
    for form in client.get(grid_url()).context["forms"]:
        number = form.indicator.number
        if "done" in form.fields:
            data[f"{number}-done"] = "no"
        elif "value" in form.fields:
            expected = form.row.progress.expected
            data[f"{number}-value"] = str(round(expected, 2) if expected else 1)
    return {**data, **values}


def test_submit_needs_every_indicator_and_then_submits_them_all(reporter):
    response = grid_post(reporter, {"7-value": "21500"}, action="submit")
    assert "尚有 39 项未填写" in reporter.get(response["Location"]).content.decode()
    assert Figure.objects.get(indicator=ind("7"), year=2023).review_status == ReviewStatus.DRAFT
    response = grid_post(reporter, full_grid(reporter), action="submit")
    assert response.status_code == 302
    statuses = set(Figure.objects.filter(indicator__plan=binhai_plan(), year=2023)
                   .values_list("review_status", flat=True))
    assert statuses == {ReviewStatus.SUBMITTED}


def submit(client, values):
    assert grid_post(client, full_grid(client, **values), action="submit").status_code == 302


def test_the_whole_review_journey(reporter, coordinator, reporter_binhai):
    """Draft → submit → one returned with a reason → fixed → resubmitted → approved."""
    submit(reporter, {"7-value": "21500", "8-value": "9999", "8-note": "含港澳台授权"})
    seven, eight = Figure.objects.get(indicator=ind("7")), Figure.objects.get(indicator=ind("8"))
    queue = reverse("reporting:queue", args=["binhai"])
    content = coordinator.get(queue).content.decode()
    assert "有效发明专利量" in content and "海外发明专利授权量" in content
    response = coordinator.post(queue, {"return_one": f"figure:{eight.pk}",
                                        f"reason_figure:{eight.pk}": "数值明显偏大，请核对"})
    assert response.status_code == 302
    eight.refresh_from_db()
    assert (eight.review_status, eight.return_reason) == (ReviewStatus.RETURNED, "数值明显偏大，请核对")
    content = reporter.get(grid_url()).content.decode()
    assert "退回原因：数值明显偏大，请核对" in content
    grid_post(reporter, {"8-value": "260"}, action="submit")
    eight.refresh_from_db()
    assert (eight.value, eight.review_status) == (260, ReviewStatus.SUBMITTED)
    everything = [f"figure:{pk}" for pk in Figure.objects.values_list("pk", flat=True)]
    coordinator.post(queue, {"item": everything, "bulk": "approve"})
    assert set(Figure.objects.values_list("review_status", flat=True)) == {ReviewStatus.APPROVED}
    history = reporter.get(reverse("indicators:figure_detail", args=[eight.pk])).content.decode()
    for step in ("新建", "提交审核", "退回：数值明显偏大，请核对", "审核通过", "9999", "260",
                 "reporter_binhai", "coord_binhai"):
        assert step in history
    out = StringIO()
    call_command("progress", "--district", "binhai", "--year", "2023", "--json", stdout=out)
    rows = {r["number"]: r for r in json.loads(out.getvalue())["indicators"]}
    assert (rows["7"]["status"], rows["7"]["percent"]) == ("on_track", 70.67)
    assert rows["8"]["actual"] == 260.0


@pytest.mark.parametrize("how", ["approve_one", "return_one", "bulk"])
def test_a_value_changed_after_the_queue_was_opened_is_not_reviewed(coordinator, reporter, how):
    submit(reporter, {"7-value": "21500"})
    figure = Figure.objects.get(indicator=ind("7"), year=2023)
    queue = reverse("reporting:queue", args=["binhai"])
    seen = f"figure:{figure.pk}:{figure.version}"
    assert f'value="{seen}"' in coordinator.get(queue).content.decode()
    submit(reporter, {"7-value": "22000"})  # meanwhile, the reporter changes and resubmits
    data = {f"reason_figure:{figure.pk}": "请核对", "bulk_reason": "请核对"}
    data.update({"item": [seen], "bulk": "approve"} if how == "bulk" else {how: seen})
    content = coordinator.post(queue, data, follow=True).content.decode()
    assert "有 1 项在您打开本页后已被修改或已由他人审核，未作处理" in content
    figure.refresh_from_db()
    assert (figure.value, figure.review_status) == (22000, ReviewStatus.SUBMITTED)
    assert f'value="figure:{figure.pk}:{figure.version}"' in content  # the latest, to review
    coordinator.post(queue, {"approve_one": f"figure:{figure.pk}:{figure.version}"})
    figure.refresh_from_db()
    assert (figure.value, figure.review_status) == (22000, ReviewStatus.APPROVED)


def test_a_value_taken_back_to_draft_after_the_queue_was_opened_is_not_reviewed(
        coordinator, reporter):
    submit(reporter, {"7-value": "21500"})
    figure = Figure.objects.get(indicator=ind("7"), year=2023)
    queue = reverse("reporting:queue", args=["binhai"])
    seen = f"figure:{figure.pk}:{figure.version}"
    grid_post(reporter, {"7-value": "22000"})  # saved as a draft: it leaves the queue
    content = coordinator.post(queue, {"approve_one": seen}, follow=True).content.decode()
    assert "有 1 项在您打开本页后已被修改或已由他人审核，未作处理" in content
    assert "请先选择要审核的数据" not in content and "已审核通过" not in content
    figure.refresh_from_db()
    assert (figure.value, figure.review_status) == (22000, ReviewStatus.DRAFT)


def test_a_returned_figure_is_not_resubmitted_unchanged(coordinator, reporter):
    submit(reporter, {"7-value": "21500", "8-value": "9999"})
    eight = Figure.objects.get(indicator=ind("8"), year=2023)
    queue = reverse("reporting:queue", args=["binhai"])
    coordinator.post(queue, {"return_one": f"figure:{eight.pk}:{eight.version}",
                             f"reason_figure:{eight.pk}": "数值明显偏大，请核对"})
    response = grid_post(reporter, {"7-value": "21600"}, action="submit")
    content = reporter.get(response.url).content.decode()
    assert "被退回的 1 项（序号 8）未作修改，没有重新提交" in content
    eight.refresh_from_db()
    assert (eight.value, eight.review_status) == (9999, ReviewStatus.RETURNED)
    assert Figure.objects.get(indicator=ind("7"), year=2023).review_status == ReviewStatus.SUBMITTED
    grid_post(reporter, {"8-note": "经核实，含港澳台授权，数据无误"}, action="submit")
    eight.refresh_from_db()
    assert (eight.value, eight.review_status) == (9999, ReviewStatus.SUBMITTED)


def test_returning_needs_a_reason(coordinator, reporter):
    submit(reporter, {"7-value": "21500"})
    figure = Figure.objects.get(indicator=ind("7"), year=2023)
    response = coordinator.post(reverse("reporting:queue", args=["binhai"]),
                                {"return_one": f"figure:{figure.pk}"}, follow=True)
    assert "退回时须填写退回原因" in response.content.decode()
    figure.refresh_from_db()
    assert figure.review_status == ReviewStatus.SUBMITTED


def test_an_approved_figure_is_locked_until_a_reason_is_given(reporter, coordinator):
    submit(reporter, {"7-value": "21500"})
    figure = Figure.objects.get(indicator=ind("7"))
    coordinator.post(reverse("reporting:queue", args=["binhai"]),
                     {"approve_one": f"figure:{figure.pk}"})
    response = grid_post(reporter, {"7-value": "22000"})
    content = response.content.decode()
    pk = ind("7").pk
    # Beside 修改原因, the correction panel open and still ticked, the value typed kept.
    error = content.index(f'id="id_i{pk}-change_reason_error"')
    assert "更正须填写修改原因" in content[error:error + 200]
    row = content[content.index(f'id="ind-{pk}"'):]
    row = row[:row.index("</tr>")]
    assert '<details class="more" open>' in row and 'class="unlock" checked>' in row
    assert 'value="22000"' in row
    figure.refresh_from_db()
    assert (figure.value, figure.review_status) == (21500, ReviewStatus.APPROVED)
    assert grid_post(reporter, {"7-value": "22000",
                                "7-change_reason": "统计局更正年报"}).status_code == 302
    figure.refresh_from_db()  # the approved figure stays as it was: the correction is apart
    assert (figure.value, figure.review_status) == (21500, ReviewStatus.APPROVED)
    correction = figure.correction
    assert (correction.value, correction.review_status, correction.change_reason) == (
        22000, ReviewStatus.DRAFT, "统计局更正年报")
    history = reporter.get(reverse("indicators:figure_detail", args=[figure.pk])).content.decode()
    assert "统计局更正年报" in history


def progress_of(number: str, year: int = 2023) -> dict:
    out = StringIO()
    call_command("progress", "--district", "binhai", "--year", str(year), "--json", stdout=out)
    return {r["number"]: r for r in json.loads(out.getvalue())["indicators"]}[number]


def test_a_correction_counts_only_once_approved_and_the_approved_value_counts_meanwhile(
        reporter, coordinator, reporter_binhai, coordinator_binhai):
    submit(reporter, {"7-value": "21500"})
    figure = Figure.objects.get(indicator=ind("7"))
    queue = reverse("reporting:queue", args=["binhai"])
    coordinator.post(queue, {"approve_one": f"figure:{figure.pk}:{figure.version}"})
    assert (progress_of("7")["actual"], progress_of("7")["status"]) == (21500.0, "on_track")

    grid_post(reporter, {"7-value": "20000", "7-change_reason": "统计局更正年报"},
              action="submit")
    correction = Figure.objects.get(corrects=figure)
    assert correction.review_status == ReviewStatus.SUBMITTED
    # Until the correction is approved, every page and the engine keep the approved value.
    assert (progress_of("7")["actual"], progress_of("7")["status"]) == (21500.0, "on_track")
    row = reporter.get(grid_url()).content.decode()
    row = row[row.index(f'id="ind-{ind("7").pk}"'):]
    row = row[:row.index('id="ind-', 10)]
    assert 'value="20000"' in row and "计入进度的仍为已审核值：21500" in row
    content = coordinator.get(queue).content.decode()
    item = content[content.index(f'id="figure-{correction.pk}"'):]
    item = item[:item.index("</tr>")]
    assert "20000" in item and "更正；已审核值：21500" in item and "统计局更正年报" in item
    assert Figure.objects.filter(indicator=ind("7"), year=2023).count() == 2

    # Returned: the approved value still counts, the reporter sees why.
    coordinator.post(queue, {"return_one": f"figure:{correction.pk}:{correction.version}",
                             f"reason_figure:{correction.pk}": "请附统计局更正文件"})
    assert progress_of("7")["actual"] == 21500.0
    assert "退回原因：请附统计局更正文件" in reporter.get(grid_url()).content.decode()
    grid_post(reporter, {"7-value": "20500"}, action="submit")
    correction.refresh_from_db()
    assert (correction.value, correction.review_status, correction.change_reason) == (
        20500, ReviewStatus.SUBMITTED, "统计局更正年报")  # the reason stays with the correction

    # Approved: its values go onto the approved figure, which keeps its pk and its history.
    coordinator.post(queue, {"approve_one": f"figure:{correction.pk}:{correction.version}"})
    figure.refresh_from_db()
    assert (figure.value, figure.review_status, figure.change_reason, figure.approved_by) == (
        20500, ReviewStatus.APPROVED, "统计局更正年报", coordinator_binhai)
    assert figure.version == correction.version + 1
    assert Figure.objects.filter(indicator=ind("7"), year=2023).count() == 1
    assert (progress_of("7")["actual"], progress_of("7")["status"]) == (20500.0, "at_risk")
    history = coordinator.get(reverse("indicators:figure_detail", args=[figure.pk]))
    versions = history.context["history"]
    assert [v.step for v in versions] == [
        "审核通过", "提交审核", "修改", "退回：请附统计局更正文件", "提交审核", "提出更正",
        "审核通过", "提交审核", "新建"]
    assert [str(c.new) for c in versions[5].changes if c.label == "实际值"] == ["20000"]
    assert {v.who for v in versions} == {"reporter_binhai", "coord_binhai"}
    # A link to the correction, once merged, leads to the figure it corrected.
    response = coordinator.get(reverse("indicators:figure_detail", args=[correction.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:figure_detail", args=[figure.pk])


def test_two_corrections_of_the_same_figure_cannot_both_be_saved(reporter_binhai,
                                                                 coordinator_binhai, client_for):
    first, coordinator = client_for(reporter_binhai), client_for(coordinator_binhai)
    submit(first, {"7-value": "21500"})
    figure = Figure.objects.get(indicator=ind("7"))
    coordinator.post(reverse("reporting:queue", args=["binhai"]),
                     {"approve_one": f"figure:{figure.pk}:{figure.version}"})
    page = first.get(grid_url())  # both open the grid on the approved figure
    second_page = coordinator.get(grid_url())
    assert grid_post(first, {"7-value": "22000", "7-change_reason": "更正一"},
                     page=page).status_code == 302
    response = grid_post(coordinator, {"7-value": "23000", "7-change_reason": "更正二"},
                         page=second_page)
    assert response.status_code == 200
    assert "此项已被 reporter_binhai" in response.content.decode()
    assert list(Figure.objects.filter(indicator=ind("7")).order_by("pk")
                .values_list("value", "change_reason")) == [(21500, ""), (22000, "更正一")]


def test_the_second_of_two_concurrent_edits_is_refused(reporter_binhai, coordinator_binhai):
    first, second = Client(), Client()
    first.force_login(reporter_binhai)
    second.force_login(coordinator_binhai)

    def form_data(client, value):
        page = client.get(grid_url())
        data = {"action": "save"}
        for form in page.context["forms"]:
            data[form["version"].html_name] = form["version"].value()
        data[f"i{ind('7').pk}-value"] = value
        return data

    data_first, data_second = form_data(first, "21500"), form_data(second, "19000")
    assert first.post(grid_url(), data_first).status_code == 302
    response = second.post(grid_url(), data_second)
    assert response.status_code == 200
    content = response.content.decode()
    assert "此项刚刚已由他人填报" in content or "此项已被 reporter_binhai" in content
    assert 'value="19000"' in content  # what the second person typed is kept on the page
    assert Figure.objects.get(indicator=ind("7")).value == 21500
    # Both load again; the first saves; the second's older version is refused.
    data_first, data_second = form_data(first, "21600"), form_data(second, "19000")
    assert first.post(grid_url(), data_first).status_code == 302
    response = second.post(grid_url(), data_second)
    assert "此项已被 reporter_binhai" in response.content.decode()
    assert Figure.objects.get(indicator=ind("7")).value == 21600


def test_evidence_files_are_checked_and_served_only_with_rights(
        reporter, reporter_binhai, client_for, leader_binhai, reporter_wuqing, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    page = reporter.get(grid_url())
    data = {"action": "save"}
    for form in page.context["forms"]:
        data[form["version"].html_name] = form["version"].value()
    pk = ind("7").pk
    data[f"i{pk}-value"] = "21500"
    data[f"i{pk}-evidence_file"] = SimpleUploadedFile("统计.pdf", b"just text, not a pdf")
    response = reporter.post(grid_url(), data)
    assert "文件内容与扩展名 .pdf 不符" in response.content.decode()
    assert not Figure.objects.exists()
    data[f"i{pk}-evidence_file"] = SimpleUploadedFile("统计年报.pdf", b"%PDF-1.4 real enough")
    assert reporter.post(grid_url(), data).status_code == 302
    figure = Figure.objects.get()
    assert figure.evidence_name == "统计年报.pdf"
    assert "统计年报" not in figure.evidence_file.name  # stored under a random name
    url = reverse("reporting:evidence", args=["figure", figure.pk])
    response = client_for(leader_binhai).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert client_for(reporter_wuqing).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_a_coordinator_flags_a_value_for_follow_up(reporter, coordinator, client_for,
                                                    reporter_binhai):
    grid_post(reporter, {"7-value": "21500"})
    figure = Figure.objects.get()
    flag_url = reverse("indicators:figure_flag", args=[figure.pk])
    assert reporter.post(flag_url, {"comment": "x"}).status_code == 403
    coordinator.post(flag_url, {"comment": "与统计公报不一致，请核实"})
    flags = reporter.get(reverse("reporting:flags", args=["binhai"])).content.decode()
    assert "与统计公报不一致，请核实" in flags and "有效发明专利量" in flags
    coordinator.post(reverse("indicators:figure_unflag", args=[figure.pk]))
    flags = reporter.get(reverse("reporting:flags", args=["binhai"])).content.decode()
    assert "与统计公报不一致" not in flags


def test_a_coordinator_adjusts_a_target_and_the_original_stays(coordinator, reporter,
                                                               coordinator_binhai):
    target = Target.objects.get(indicator=ind("7"), year=2024)
    url = reverse("indicators:target_adjust", args=[target.pk])
    assert reporter.get(url).status_code == 403
    response = coordinator.post(url, {"value": "22000", "reason": ""})
    assert "这个字段是必填项" in response.content.decode()
    coordinator.post(url, {"value": "22000", "reason": "中期评估调整"})
    target.refresh_from_db()
    assert (target.value, target.original_value, target.adjustment_reason) == (
        22000, 25000, "中期评估调整")
    assert target.adjusted_by == coordinator_binhai
    content = reporter.get(grid_url(year=2024)).content.decode()
    assert "≥22000" in content and "原 25000" in content
    assert target.history.latest().history_user == coordinator_binhai


def test_the_preview_gives_the_engines_status_for_a_typed_value(reporter):
    url = reverse("indicators:entry_preview", args=[ind("7").pk, 2023])
    data = reporter.get(url, {"value": "21500"}).json()
    assert (data["status"], data["label"], data["percent"]) == ("on_track", "正常", 70.67)
    assert reporter.get(url, {"value": "abc"}).status_code == 400


@pytest.mark.parametrize("typed, message", [
    ("NaN", "请输入一个数字"), ("Infinity", "请输入一个数字"), ("-inf", "请输入一个数字"),
    ("1e999999", "数字过长"), ("1234567890123", "数字过长"), ("1.23456", "最多保留 4 位小数"),
])
def test_the_preview_refuses_what_a_save_would_refuse(reporter, typed, message):
    url = reverse("indicators:entry_preview", args=[ind("7").pk, 2023])
    response = reporter.get(url, {"value": typed})
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize("name, expected", [
    ("anonymous", 302), ("reporter_wuqing", 403), ("coordinator_wuqing", 403),
    ("leader_binhai", 403), ("leader_all", 403), ("reporter_binhai", 200),
    ("coordinator_binhai", 200), ("admin_user_portal", 200),
])
def test_rights_on_the_grid(name, expected, request, client_for):
    client = Client() if name == "anonymous" else client_for(request.getfixturevalue(name))
    response = client.get(grid_url())
    assert response.status_code == expected
    pk = ind("7").pk
    response = client.post(grid_url(), {"action": "save", f"i{pk}-version": "0",
                                        f"i{pk}-value": "1"})
    assert response.status_code in (expected, 302 if expected == 200 else expected)
    if expected != 200:
        assert not Figure.objects.exists()


def make_plan(size: int) -> Plan:
    district = District.objects.create(code=f"q{size}", name=f"测试{size}区")
    plan = Plan.objects.create(district=district, title="测试方案", start_year=2022, end_year=2024)
    kinds = ["level", "flow", "cumulative", "growth", "milestone"]
    for n in range(size):
        kind = kinds[n % 5]
        indicator = Indicator.objects.create(
            plan=plan, position=n, number=str(n + 1), name=f"指标{n + 1}", kind=kind,
            unit="件", category=["创造", "运用"][n % 2], baseline_year=2021,
            baseline_value=None if kind in ("growth", "milestone") else Decimal(100))
        Target.objects.create(indicator=indicator, year=2024,
                              value=None if kind == "milestone" else Decimal(200),
                              comparator="" if kind == "milestone" else ">=",
                              text="建成" if kind == "milestone" else "")
    return plan


@pytest.mark.parametrize("size", [5, 40])
def test_loading_and_saving_a_full_grid_run_constant_queries(size, client_for,
                                                            django_assert_num_queries):
    plan = make_plan(size)
    client = client_for(make_user(f"rep{size}", "coordinator", plan.district.code))
    url = grid_url(plan, 2023, plan.district.code)
    client.get(url)  # warm the session and permission caches
    with django_assert_num_queries(GRID_LOAD_QUERIES):
        page = client.get(url)
    data = {"action": "save"}
    for form in page.context["forms"]:
        data[form["version"].html_name] = 0
        data[form["base_version"].html_name] = 0
        if "value" in form.fields:
            data[form["value"].html_name] = "150"
        if "base_value" in form.fields:
            data[form["base_value"].html_name] = "100"
        if "done" in form.fields:
            data[form["done"].html_name] = "no"
    with django_assert_num_queries(GRID_SAVE_QUERIES):
        assert client.post(url, data).status_code == 302
    assert Figure.objects.filter(indicator__plan=plan, year=2023).count() == size
    for form in page.context["forms"]:
        data[form["version"].html_name] = 1
        data[form["base_version"].html_name] = 1 if "base_value" in form.fields else 0
        if "value" in form.fields:
            data[form["value"].html_name] = "160"
    with django_assert_num_queries(GRID_UPDATE_QUERIES):
        assert client.post(url, data).status_code == 302


GRID_LOAD_QUERIES = 12
GRID_SAVE_QUERIES = 19
GRID_UPDATE_QUERIES = 17


def test_a_row_left_untouched_is_no_conflict_when_someone_saved_it_meanwhile(
        reporter_binhai, coordinator_binhai):
    """Two people work on the same grid, each on their own rows: neither blocks the other."""
    first, second = Client(), Client()
    first.force_login(reporter_binhai)
    second.force_login(coordinator_binhai)
    Figure.objects.create(indicator=ind("8"), year=2023, value=Decimal(250), version=1)
    page_first, page_second = first.get(grid_url()), second.get(grid_url())

    def as_loaded(page, **changes):
        """The whole grid as the browser posts it: every value and its value as loaded."""
        data = {"action": "save"}
        for form in page.context["forms"]:
            for field in form:
                if field.name == "evidence_file":
                    continue
                value = field.value()
                data[field.html_name] = "" if value is None else value
                if field.field.show_hidden_initial:
                    data[field.html_initial_name] = "" if value is None else value
        for key, value in changes.items():
            number, name = key.rsplit("-", 1)
            data[f"i{ind(number).pk}-{name}"] = value
        return data

    assert second.post(grid_url(), as_loaded(page_second, **{"8-value": "260"})).status_code == 302
    response = first.post(grid_url(), as_loaded(page_first, **{"7-value": "21500"}))
    assert response.status_code == 302  # row 8 was changed by the other, but not here
    assert Figure.objects.get(indicator=ind("8")).value == 260  # the other's value stays
    assert Figure.objects.get(indicator=ind("7")).value == 21500
    response = first.post(grid_url(), as_loaded(page_first, **{"8-value": "270"}))
    assert "此项已被 coord_binhai" in response.content.decode()  # a changed row is checked
    assert Figure.objects.get(indicator=ind("8")).value == 260


def test_a_linked_growth_rate_judged_as_a_milestone_asks_for_nothing(reporter_wuqing, client_for):
    """武清 T7 (每万人有效发明专利拥有量增长率, 高于全国平均水平) reads T6's figures: the
    grid offers no input that nothing would read, and T6's values do not make it red."""
    seven, six = ind("T7", code="wuqing"), ind("T6", code="wuqing")
    assert seven.quantity_indicator == six
    Figure.objects.create(indicator=six, year=2019, value=Decimal("8.1"),
                          review_status=ReviewStatus.APPROVED)
    client = client_for(reporter_wuqing)
    url = grid_url(plan=seven.plan, year=2019, code="wuqing")
    content = client.get(url).content.decode()
    assert f'name="i{seven.pk}-version"' in content
    assert f'name="i{seven.pk}-done"' not in content and f'name="i{seven.pk}-value"' not in content
    assert f'name="i{six.pk}-value"' in content
    out = StringIO()
    call_command("progress", "--district", "wuqing", "--year", "2019", "--json", stdout=out)
    rows = {r["number"]: r for r in json.loads(out.getvalue())["indicators"]}
    assert rows["T7"]["status"] == "no_data" and rows["T6"]["status"] != "no_data"


def test_the_review_queue_shows_each_items_evidence(coordinator, reporter):
    submit(reporter, {"7-value": "21500", "7-evidence_link": "https://example.org/年报.pdf",
                      "8-value": "300"})
    content = coordinator.get(reverse("reporting:queue", args=["binhai"])).content.decode()
    seven = content[content.index(f'id="figure-{Figure.objects.get(indicator=ind("7")).pk}"'):]
    seven = seven[:seven.index("</tr>")]
    assert 'href="https://example.org/年报.pdf" rel="noopener noreferrer"' in seven
    eight = content[content.index(f'id="figure-{Figure.objects.get(indicator=ind("8")).pk}"'):]
    assert "无佐证材料" in eight[:eight.index("</tr>")]


def test_a_red_approved_figure_takes_its_reason_and_remedy_and_stays_approved(
        reporter, coordinator, reporter_binhai):
    submit(reporter, {"7-value": "15000"})  # 2023: expected 21022, 15000 is behind
    figure = Figure.objects.get(indicator=ind("7"))
    coordinator.post(reverse("reporting:queue", args=["binhai"]),
                     {"approve_one": f"figure:{figure.pk}:{figure.version}"})
    assert progress_of("7")["status"] == "behind"
    content = reporter.get(grid_url()).content.decode()
    row = content[content.index(f'id="ind-{ind("7").pk}"'):]
    row = row[:row.index('id="ind-', 10)]
    assert "本年滞后：请说明原因和整改措施" in row
    eight = content[content.index(f'id="ind-{ind("8").pk}"'):]
    assert "本年滞后" not in eight[:eight.index('id="ind-', 10)]  # a submitted, not approved row

    response = grid_post(reporter, {"7-reason": "龙头企业专利转让外区", "7-remedy": "加强培育"})
    assert response.status_code == 302  # no 修改原因 asked: the figure is not changed
    figure.refresh_from_db()
    assert (figure.value, figure.review_status, figure.reason, figure.remedy) == (
        15000, ReviewStatus.APPROVED, "龙头企业专利转让外区", "加强培育")
    assert not Figure.objects.filter(corrects=figure).exists()
    latest = figure.history.order_by("-history_id").first()
    assert (latest.history_change_reason, latest.history_user) == (
        "说明滞后原因和整改措施", reporter_binhai)
    # Changing the value as well is a correction, with its reason.
    response = grid_post(reporter, {"7-value": "16000", "7-reason": "另一原因"})
    assert "更正须填写修改原因" in response.content.decode()
    figure.refresh_from_db()
    assert (figure.value, figure.reason) == (15000, "龙头企业专利转让外区")


def approved_seven(reporter, coordinator, value="21500") -> Figure:
    submit(reporter, {"7-value": value})
    figure = Figure.objects.get(indicator=ind("7"))
    coordinator.post(reverse("reporting:queue", args=["binhai"]),
                     {"approve_one": f"figure:{figure.pk}:{figure.version}"})
    figure.refresh_from_db()
    assert figure.review_status == ReviewStatus.APPROVED
    return figure


def test_a_correction_brought_back_to_the_approved_value_is_withdrawn(reporter, coordinator):
    figure = approved_seven(reporter, coordinator)
    grid_post(reporter, {"7-value": "22000", "7-change_reason": "统计局更正年报"})
    correction = figure.correction
    # The reason can be reworded; emptying the value is refused (not a correction).
    assert grid_post(reporter, {"7-change_reason": "统计局更正年报（第二版）"}).status_code == 302
    correction.refresh_from_db()
    assert (correction.value, correction.change_reason) == (22000, "统计局更正年报（第二版）")
    pk = ind("7").pk  # the browser sends the value as loaded: a cleared one is a change
    response = grid_post(reporter, {"7-value": ""}, raw={f"initial-i{pk}-value": "22000"})
    assert "已审核的数据不能更正为空" in response.content.decode()
    # Back to 21500: nothing is left to correct.
    response = grid_post(reporter, {"7-value": "21500"})
    assert "已保存。已审核的数据不变。" in reporter.get(response.url).content.decode()
    assert list(Figure.objects.filter(indicator=ind("7"))) == [figure]
    figure.refresh_from_db()
    assert (figure.value, figure.review_status) == (21500, ReviewStatus.APPROVED)
    steps = [v.step for v in reporter.get(
        reverse("indicators:figure_detail", args=[figure.pk])).context["history"]]
    assert steps[:3] == ["撤销更正", "修改", "提出更正"]


def test_a_correction_after_the_deadline_does_not_make_the_year_late(reporter, coordinator):
    ReportingRound.objects.create(year=2023, deadline=datetime.date.today() + datetime.timedelta(1))
    figure = approved_seven(reporter, coordinator)
    submitted_at = figure.submitted_at
    assert not figure.submitted_late
    ReportingRound.objects.filter(year=2023).update(deadline=datetime.date(2024, 1, 31))
    grid_post(reporter, {"7-value": "22000", "7-change_reason": "统计局更正年报"},
              action="submit")
    correction = figure.correction
    assert correction.review_status == ReviewStatus.SUBMITTED and not correction.submitted_late
    coordinator.post(reverse("reporting:queue", args=["binhai"]),
                     {"approve_one": f"figure:{correction.pk}:{correction.version}"})
    figure.refresh_from_db()
    assert figure.value == 22000
    assert (figure.submitted_late, figure.submitted_at) == (False, submitted_at)


def test_a_reason_alone_is_not_held_up_by_the_approved_values_warning(reporter, reporter_binhai):
    eight = ind("8")  # 2022 → 2023 doubles: the grid would ask for a note on such a move
    Figure.objects.create(indicator=eight, year=2022, value=100, review_status=ReviewStatus.APPROVED)
    Figure.objects.create(indicator=eight, year=2023, value=40, review_status=ReviewStatus.APPROVED)
    response = grid_post(reporter, {"8-reason": "统计口径调整", "8-remedy": "按新口径补报"})
    assert response.status_code == 302
    figure = Figure.objects.get(indicator=eight, year=2023)
    assert (figure.reason, figure.review_status) == ("统计口径调整", ReviewStatus.APPROVED)
    response = grid_post(reporter, {"8-value": "45", "8-change_reason": "更正"})
    assert "请在说明中写明原因" in response.content.decode()  # a new value is still checked


def test_the_history_gives_a_correction_reason_once(reporter, coordinator):
    figure = approved_seven(reporter, coordinator)
    grid_post(reporter, {"7-value": "22000", "7-change_reason": "统计局更正年报"},
              action="submit")
    correction = figure.correction
    coordinator.post(reverse("reporting:queue", args=["binhai"]),
                     {"approve_one": f"figure:{correction.pk}:{correction.version}"})
    versions = coordinator.get(
        reverse("indicators:figure_detail", args=[figure.pk])).context["history"]
    assert [(v.step, v.reason) for v in versions[:3]] == [
        ("审核通过", ""), ("提交审核", ""), ("提出更正", "统计局更正年报")]
    review = next(c for c in versions[2].changes if c.label == "审核状态")
    assert (review.old, str(review.new)) == (None, "草稿")  # the approved one was not demoted


def test_a_base_year_quantity_is_submitted_with_its_grid(reporter, coordinator):
    base_rows = [f for f in reporter.get(grid_url()).context["forms"] if "base_value" in f.fields]
    assert base_rows  # 滨海 2023 asks the 2021 quantity of its growth rows
    number, base_year = base_rows[0].indicator.number, base_rows[0].row.base_year
    submit(reporter, {f"{number}-base_value": "782"})
    base = Figure.objects.get(indicator=ind(number), year=base_year)
    assert base.review_status == ReviewStatus.SUBMITTED  # not left a draft with no grid of its own
    content = coordinator.get(reverse("reporting:queue", args=["binhai"])).content.decode()
    assert f'id="figure-{base.pk}"' in content
    coordinator.post(reverse("reporting:queue", args=["binhai"]),
                     {"approve_one": f"figure:{base.pk}:{base.version}"})
    # Its correction is submitted the same way, and the grid says it is pending.
    grid_post(reporter, {f"{number}-base_value": "900", f"{number}-change_reason": "年报更正"},
              action="submit")
    correction = Figure.objects.get(indicator=ind(number), year=base_year, corrects__isnull=False)
    assert (correction.value, correction.review_status) == (900, ReviewStatus.SUBMITTED)
    assert "计入的仍为已审核值：782" in reporter.get(grid_url()).content.decode()


def test_a_correction_keeps_a_reason(reporter, coordinator):
    approved_seven(reporter, coordinator)
    grid_post(reporter, {"7-value": "22000", "7-change_reason": "统计局更正年报"})
    response = grid_post(reporter, {"7-change_reason": ""})
    content = response.content.decode()
    error = content.index(f'id="id_i{ind("7").pk}-change_reason_error"')
    assert "更正须填写修改原因" in content[error:error + 200]
    assert Figure.objects.get(corrects__isnull=False).change_reason == "统计局更正年报"


def test_a_correction_is_told_every_missing_thing_at_once(reporter, coordinator):
    """A big move without a note and without a 修改原因: both are asked for in one answer."""
    approved_seven(reporter, coordinator, value="20000")
    Figure.objects.create(indicator=ind("7"), year=2022, value=Decimal(17000),
                          review_status=ReviewStatus.APPROVED)
    content = grid_post(reporter, {"7-value": "40000"}).content.decode()
    error = content.index(f'id="id_i{ind("7").pk}-change_reason_error"')
    assert "此项已审核锁定；更正须填写修改原因" in content[error:error + 200]
    assert "与上年已审核值 17000 相比变动 135.29%，超过 50%" in content
    assert not Figure.objects.filter(corrects__isnull=False).exists()
    # Given both, it is saved as a correction.
    response = grid_post(reporter, {"7-value": "40000", "7-note": "新口径含外观设计",
                                    "7-change_reason": "统计局更正年报"})
    assert response.status_code == 302
    assert Figure.objects.get(corrects__isnull=False).value == 40000
