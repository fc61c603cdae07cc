"""`manage.py progress`: the engine's results for a district and year, as a table or JSON."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line

from reporting.choices import ReviewStatus
from indicators.models import Figure, Indicator
from tests.base import plan_file

pytestmark = pytest.mark.django_db

APPROVED, SUBMITTED = ReviewStatus.APPROVED, ReviewStatus.SUBMITTED


def enter(number, year, value=None, status=APPROVED, done=None, code="binhai"):
    indicator = Indicator.objects.get(plan__district__code=code, number=number)
    Figure.objects.update_or_create(
        indicator=indicator, year=year,
        defaults={"value": None if value is None else Decimal(str(value)), "done": done,
                  "review_status": status},
    )


def progress_json(code="binhai", year=2023) -> dict:
    out = StringIO()
    call_command("progress", "--district", code, "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def by_number(data) -> dict:
    return {row["number"]: row for row in data["indicators"]}


@pytest.fixture
def binhai_figures():
    enter("7", 2023, 21500)          # the worked example: on track, 70.67%
    enter("12", 2023, 530)           # flow on its path: 490 → 550
    enter("17", 2023, 25)            # 质押融资登记金额 (T5 grows from it)
    enter("T2", 2023, 1.1)           # ≤1%, lower is better: 1.1 ≤ 1.15 → 预警
    enter("T13", 2022, 1)            # a 3–5 range, cumulative
    enter("T13", 2023, 1)
    enter("T19", 2023, done=False)   # 设立 by 2024, not done yet
    enter("9", 2023, 84)             # 撤回率 below 85% of its path (99.77)


def test_it_gives_what_the_rules_give_for_binhai(binhai_figures):
    data = progress_json()
    assert (data["district"], data["year"]) == ("binhai", 2023)
    rows = by_number(data)
    assert rows["7"] == {
        **rows["7"], "actual": 21500.0, "expected": 21022.0, "target": 25000.0,
        "target_year": 2024, "percent": 70.67, "status": "on_track", "kind": "level",
        "unit": "件", "name": "有效发明专利量",
    }
    assert (rows["12"]["expected"], rows["12"]["percent"], rows["12"]["status"]) == (
        530.0, 66.67, "on_track")
    # T5 年均增幅 ≥30% uses row 17: 17 亿元 (2021) → 25 亿元 (2023) = 21.27% a year.
    assert rows["T5"]["actual"] == pytest.approx(21.2678, abs=1e-4)
    assert (rows["T5"]["expected"], rows["T5"]["status"]) == (30.0, "behind")
    assert (rows["T2"]["expected"], rows["T2"]["status"], rows["T2"]["percent"]) == (
        1.0, "at_risk", 90.91)
    assert (rows["T13"]["actual"], rows["T13"]["target"], rows["T13"]["status"]) == (
        2.0, 3.0, "on_track")
    assert (rows["T19"]["done"], rows["T19"]["status"], rows["T19"]["target_text"]) == (
        False, "on_track", "设立")
    assert rows["9"]["status"] == "behind" and rows["9"]["percent"] == 0.0
    assert rows["1"]["status"] == "no_data" and rows["1"]["actual"] is None


def test_every_indicator_appears_in_plan_order():
    numbers = [row["number"] for row in progress_json()["indicators"]]
    assert numbers == [i["number"] for i in plan_file("binhai")["plans"][0]["indicators"]]


def test_a_submitted_figure_changes_nothing(binhai_figures):
    before = progress_json()
    enter("7", 2023, 25000, status=SUBMITTED)
    enter("8", 2023, 400, status=SUBMITTED)
    enter("T19", 2023, done=True, status=ReviewStatus.RETURNED)
    after = progress_json()
    rows = by_number(after)
    assert rows["7"]["status"] == "no_data" and rows["8"]["status"] == "no_data"
    assert rows["T19"]["status"] == "no_data"
    enter("7", 2023, 21500)
    enter("T19", 2023, done=False)
    Figure.objects.filter(indicator__number="8", indicator__plan__district__code="binhai").delete()
    assert progress_json() == before


def test_the_table_has_chinese_headings_and_statuses(binhai_figures):
    out = StringIO()
    call_command("progress", "--district", "binhai", "--year", "2023", stdout=out)
    text = out.getvalue()
    assert "序时进度" in text and "完成率" in text and "状态" in text
    line = next(line for line in text.splitlines() if "有效发明专利量" in line)
    assert "21,500" in line and "21,022" in line and "70.67" in line and "正常" in line


@pytest.mark.parametrize("args, message", [
    (["--district", "nowhere", "--year", "2023"], "没有区代码为 nowhere 的区域"),
    (["--district", "wuqing", "--year", "2023"], "2023 年不在 武清区 任何方案的规划期内"),
])
def test_it_refuses_an_unknown_district_or_year_in_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "progress", *args])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
