"""The plan-file checker, without a database."""

import copy

import pytest

from plans.planfile import check_plan_data

VALID = {
    "plans": [{
        "district": "测试区", "district_code": "binhai", "city": "天津市",
        "parent_district_code": None, "title": "测试方案", "issuer": "", "issue_date": "2022-10-10",
        "period": [2022, 2024], "source_file": "", "note": "",
        "units": [{"name": "区市场监管局", "aliases": ["市场监管局"], "is_group": False},
                  {"name": "区财政局", "aliases": [], "is_group": False}],
        "indicators": [{
            "number": "1", "name": "有效发明专利量", "unit": "件", "category": "创造",
            "attribute": "国家指标", "kind": "level", "direction": "higher", "concept": "",
            "baseline": {"year": 2021, "value": 100},
            "targets": [{"year": 2024, "value": 200, "low": None, "high": None,
                         "comparator": ">=", "text": "", "original_value": None,
                         "adjustment_reason": ""}],
            "source": "", "note": "",
        }],
        "tasks": [{"number": "(1)", "path": ["（一）政策", "1.任务"], "text": "内容",
                   "lead_unit": "区市场监管局", "supporting_units": ["区财政局"],
                   "units_inferred": False, "source": "", "note": ""}],
    }]
}


def broken(change):
    data = copy.deepcopy(VALID)
    change(data["plans"][0])
    return [str(e) for e in check_plan_data(data, "x.json")]


def test_it_accepts_a_valid_file():
    assert check_plan_data(VALID, "x.json") == []


@pytest.mark.parametrize("change, message", [
    (lambda p: p["indicators"][0].update(kind="ratio"), "指标类型无效"),
    (lambda p: p["indicators"][0].update(direction="up"), "方向无效"),
    (lambda p: p["indicators"].append(dict(p["indicators"][0])), "指标序号 '1' 重复"),
    (lambda p: p["indicators"][0]["targets"][0].update(value="200"), "value 应为数字"),
    (lambda p: p["indicators"][0]["targets"][0].update(comparator="between"), "区间目标应给出 low 和 high"),
    (lambda p: p["indicators"][0]["targets"][0].update(comparator="", value=None), "文字状态"),
    (lambda p: p["indicators"][0]["targets"].append(dict(p["indicators"][0]["targets"][0])),
     "同一年份有多个目标"),
    (lambda p: p["tasks"][0].update(lead_unit="区不存在局"), "牵头单位 '区不存在局' 不在 units 中"),
    (lambda p: p["tasks"][0].update(lead_unit=""), "缺少牵头单位"),
    (lambda p: p["tasks"][0].update(supporting_units=["区市场监管局"]), "既是牵头单位又是配合单位"),
    (lambda p: p["units"].append({"name": "市场监管局", "aliases": []}), "单位名称 '市场监管局' 重复"),
    (lambda p: p.update(period=[2024, 2022]), "规划期"),
    (lambda p: p.update(district_code="no where"), "区代码无效"),
    (lambda p: p.update(district_code="滨海"), "区代码无效"),
    (lambda p: p.update(parent_district_code="binhai"), "上级区代码不能是本区自身"),
    (lambda p: p.update(parent_district_code="bad code"), "上级区代码无效"),
    (lambda p: p["indicators"][0].update(quantity={"name": "金额", "unit": "亿元"}),
     "只有增长率指标"),
    (lambda p: p["indicators"][0].update(kind="growth", quantity={"name": "金额"}),
     "quantity 应写明基础量的 name 和 unit"),
    (lambda p: p["indicators"][0].update(kind="growth", quantity={"indicator": "9"}),
     "quantity 引用的指标 '9' 不在本方案中"),
    (lambda p: p["indicators"][0].update(kind="growth", quantity={"indicator": "1"}),
     "quantity 不能引用指标自身"),
    (lambda p: p.update(issue_date="2022-13-01"), "印发日期"),
    (lambda p: p.update(extra=1), "未知字段"),
])
def test_it_names_the_entry_at_fault(change, message):
    errors = broken(change)
    assert any(message in e for e in errors), errors
    assert all(e.startswith("x.json") for e in errors)


def test_it_rejects_a_file_without_plans():
    assert "顶层应为" in str(check_plan_data({"plan": []}, "x.json")[0])


def test_it_accepts_any_district_code_and_a_growth_quantity():
    data = copy.deepcopy(VALID)
    plan = data["plans"][0]
    plan.update(district_code="xiqing-2", parent_district_code="tianjin")
    plan["indicators"].append({
        **plan["indicators"][0], "number": "2", "kind": "growth", "unit": "%",
        "quantity": {"indicator": "1"},
    })
    plan["indicators"].append({
        **plan["indicators"][0], "number": "3", "kind": "growth", "unit": "%",
        "quantity": {"name": "质押融资登记金额", "unit": "亿元"},
    })
    assert check_plan_data(data, "x.json") == []
