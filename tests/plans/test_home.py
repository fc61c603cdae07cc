"""The home page: the user's to-do list, then the districts they may see with their plans."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from plans.models import District, Plan
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_it_asks_for_a_login(client):
    response = client.get(reverse("plans:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_the_five_districts_with_their_counts(leader_all, client_for):
    response = client_for(leader_all).get(reverse("plans:home"))
    assert response.status_code == 200
    content = response.content.decode()
    for plan in Plan.objects.select_related("district"):
        assert plan.title in content
        assert plan.district.name in content
    by_code = {
        p.district.code: (p.indicator_count, p.task_count)
        for d in response.context["districts"] for p in d.plan_list
    }
    assert by_code == {
        "baoshui": (34, 37), "binhai": (41, 90), "chaoyang": (23, 18),
        "hongqiao": (5, 16), "wuqing": (20, 15),
    }
    assert "<td class=\"num\">41</td>" in content and "<td class=\"num\">90</td>" in content
    assert "位于滨海新区" in content  # 保税区 lies inside 滨海新区


def test_it_shows_the_page_in_english_when_switched(reader):
    reader.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = reader.get(reverse("plans:home"))
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert '<html lang="en">' in response.content.decode()


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("plans:home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["leader_all", "reporter_binhai", "coordinator_binhai"])
def test_its_query_count_does_not_grow_with_plans(who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    before = page_queries(client)
    for n in range(6):
        district = District.objects.create(code=f"extra{n}", name=f"新区{n}")
        plan = Plan.objects.create(district=district, title=f"方案{n}", start_year=2024,
                                   end_year=2026)
        for i in range(5):
            Indicator.objects.create(plan=plan, number=str(i), name="指标", kind="level")
            Task.objects.create(plan=plan, number=str(i), text="任务")
    assert page_queries(client) == before


def test_it_shows_a_reporter_only_their_own_district(reporter_binhai, client_for):
    content = client_for(reporter_binhai).get(reverse("plans:home")).content.decode()
    assert "滨海新区" in content
    for plan in Plan.objects.exclude(district__code="binhai"):
        assert plan.title not in content
    assert "武清区" not in content


def test_it_shows_a_granted_leader_only_the_granted_districts(leader_binhai, client_for):
    response = client_for(leader_binhai).get(reverse("plans:home"))
    assert [d.code for d in response.context["districts"]] == ["binhai"]


def test_it_shows_a_user_without_a_role_no_plans(reader):
    content = reader.get(reverse("plans:home")).content.decode()
    assert "没有可查看的规划方案" in content
    for plan in Plan.objects.all():
        assert plan.title not in content


def test_it_starts_with_the_to_do_list(reporter_binhai, client_for):
    content = client_for(reporter_binhai).get(reverse("plans:home")).content.decode()
    assert "我的待办" in content
    assert content.index("我的待办") < content.index("各区知识产权规划")


def test_it_is_chinese_whatever_the_browser_asks_for(reader):
    response = reader.get(reverse("plans:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_login_page_names_an_icon_among_the_portals_own_static_files(client):
    """Browsers would otherwise ask for /favicon.ico on every page and get a 404."""
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    content = client.get(reverse("login")).content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}"' in content
    assert finders.find("favicon.svg").endswith("static/favicon.svg")
