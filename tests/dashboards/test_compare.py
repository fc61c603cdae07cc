"""The district comparison: every visible district's indicators of one concept, side by side,
judged by the engine, on one chart and one table."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Figure, Indicator
from indicators.selectors import indicators_progress
from reporting.choices import ReviewStatus

pytestmark = pytest.mark.django_db


def indicator(code, number):
    return Indicator.objects.get(plan__district__code=code, number=number)


def approved(ind, year, value=None, done=None):
    return Figure.objects.create(indicator=ind, year=year, review_status=ReviewStatus.APPROVED,
                                 value=None if value is None else Decimal(str(value)), done=done)


def compare(concept, year=None):
    address = reverse("dashboards:compare", args=[concept])
    return f"{address}?year={year}" if year else address


@pytest.fixture
def custody():
    """托管: 保税区 9 (累计 150 → 300, 2021–2023), 滨海 T20 (2500 by 2024), 朝阳 T10 (1500 by 2023)."""
    baoshui, binhai, chaoyang = (indicator("baoshui", "9"), indicator("binhai", "T20"),
                                 indicator("chaoyang", "T10"))
    approved(baoshui, 2021, 160)
    approved(baoshui, 2022, 150)   # 310 ≥ 300 by 2022
    approved(baoshui, 2023, 10)
    approved(binhai, 2022, 500)
    approved(binhai, 2023, 300)    # 800 against a path of 1666.67: behind
    approved(chaoyang, 2021, 400)
    approved(chaoyang, 2022, 450)
    approved(chaoyang, 2023, 500)  # 1350 of 1500: at risk
    return baoshui, binhai, chaoyang


def test_it_shows_every_districts_indicator_with_the_engines_status(custody, leader_all,
                                                                   client_for):
    response = client_for(leader_all).get(compare("custody", 2023))
    rows = response.context["rows"]
    assert [r.indicator.plan.district.code for r in rows] == ["chaoyang", "baoshui", "binhai"]
    for row in rows:
        (engine,) = indicators_progress(year=row.as_of,
                                        indicators=Indicator.objects.filter(pk=row.indicator.pk))
        assert row.progress == engine.progress
    statuses = {r.indicator.plan.district.code: r.progress.status.value for r in rows}
    assert statuses == {"baoshui": "achieved", "binhai": "behind", "chaoyang": "at_risk"}
    content = response.content.decode()
    assert "中小微企业知识产权托管" in content and "状态图例" in content
    assert "≥2500（2024）" in content and "≥1500（2023）" in content and "≥300（2022）" in content
    assert "1350" in content and "800" in content
    assert content.count("status-behind") >= 1 and "滞后" in content and "预警" in content


def test_a_plan_that_ended_is_judged_at_its_last_year(custody, leader_all, client_for):
    rows = client_for(leader_all).get(compare("custody", 2024)).context["rows"]
    as_of = {r.indicator.plan.district.code: r.as_of for r in rows}
    assert as_of == {"baoshui": 2023, "binhai": 2024, "chaoyang": 2023}
    content = client_for(leader_all).get(compare("custody", 2024)).content.decode()
    assert "方案已结束" in content


def test_one_chart_colours_each_bar_by_its_status_with_the_word(custody, leader_all,
                                                                 client_for):
    response = client_for(leader_all).get(compare("custody", 2023))
    (bars,) = response.context["chart"]["data"]
    assert bars["x"] == [90.0, 100.0, 32.0]  # percent complete
    assert bars["marker"]["color"] == ["#b7791f", "#1a5fb4", "#c62828"]
    assert [t.split()[1] for t in bars["text"]] == ["预警", "已完成", "滞后"]
    assert 'data-figure="chart-compare"' in response.content.decode()


def test_a_leader_granted_binhai_only_sees_binhai(custody, leader_binhai, reporter_wuqing,
                                                 client_for):
    rows = client_for(leader_binhai).get(compare("custody", 2023)).context["rows"]
    assert [r.indicator.plan.district.code for r in rows] == ["binhai"]
    content = client_for(leader_binhai).get(compare("custody", 2023)).content.decode()
    assert "朝阳" not in content and "保税区" not in content
    rows = client_for(reporter_wuqing).get(compare("custody", 2023)).context["rows"]
    assert rows == []  # 武清 has no custody indicator


def test_the_year_and_the_concept_can_be_chosen(custody, leader_all, client_for):
    client = client_for(leader_all)
    response = client.get(compare("custody", 2022))
    assert response.context["year"] == 2022 and 2021 in response.context["years"]
    content = response.content.decode()
    assert 'value="pledge_financing"' in content and "onchange" not in content.split("<main>")[1]
    switched = client.get(compare("custody", 2022) + "&concept=pledge_financing")
    assert switched.status_code == 302
    assert switched["Location"] == compare("pledge_financing", 2022)
    assert client.get(compare("custody")).context["year"] == 2023  # the latest year with data
    assert client.get(compare("no_such_concept")).status_code == 404


def test_it_is_reached_from_each_tagged_indicators_page(custody, leader_all, client_for):
    for ind in custody:
        content = client_for(leader_all).get(
            reverse("dashboards:indicator", args=[ind.pk])).content.decode()
        assert reverse("dashboards:compare", args=["custody"]) in content


def test_it_runs_the_same_number_of_queries_for_few_and_many_indicators(
        leader_all, client_for, django_assert_num_queries):
    client = client_for(leader_all)
    approved(indicator("baoshui", "9"), 2021, 100)
    client.get(compare("custody", 2023))
    with django_assert_num_queries(7):
        client.get(compare("custody", 2023))
    many = Indicator.objects.filter(plan__district__code__in=["binhai", "wuqing"],
                                    kind="level")
    many.update(concept="custody")
    for ind in many:
        for year in range(ind.plan.start_year, ind.plan.end_year + 1):
            approved(ind, year, 10 + year % 7)
    with django_assert_num_queries(7):
        response = client.get(compare("custody", 2023))
    assert len(response.context["rows"]) > 20
