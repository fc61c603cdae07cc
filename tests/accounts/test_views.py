"""The account pages: logging in, lockout, password change, and managing people and units."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from plans.models import District, Unit
from tests.users import PASSWORD, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
LOGIN = reverse("login")
NEW_PASSWORD = "Amber-lantern-4417"


def people_url(code="binhai"):
    return reverse("accounts:district_people", args=[code])


def log_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# Logging in and out.

def test_it_shows_the_login_page_in_chinese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    for text in ("登录", "用户名", "密码"):
        assert text in content


@pytest.mark.parametrize("url", [
    "/", "/accounts/me/", "/accounts/people/", "/accounts/people/new/",
    "/accounts/districts/binhai/people/", "/accounts/districts/binhai/people/new/",
    "/accounts/districts/binhai/units/new/", "/accounts/password_change/",
])
def test_it_sends_a_logged_out_visitor_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


def test_it_lets_a_logged_out_visitor_switch_the_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get(LOGIN).wsgi_request.LANGUAGE_CODE == "en"


def test_it_logs_in_and_follows_next(client, reporter_binhai):
    response = client.post(LOGIN, {"username": "reporter_binhai", "password": PASSWORD,
                                   "next": "/accounts/me/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert is_logged_in(client)


def test_it_refuses_a_wrong_password_in_chinese(client, reporter_binhai):
    response = log_in(client, "reporter_binhai", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert not is_logged_in(client)


def test_it_logs_out_by_post_only(client, reporter_binhai):
    client.force_login(reporter_binhai)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not is_logged_in(client)


def test_it_changes_the_password(client, reporter_binhai):
    client.force_login(reporter_binhai)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    reporter_binhai.refresh_from_db()
    assert reporter_binhai.check_password(NEW_PASSWORD)


def test_it_refuses_a_weak_new_password_beside_the_field(client, reporter_binhai):
    client.force_login(reporter_binhai)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    reporter_binhai.refresh_from_db()
    assert reporter_binhai.check_password(PASSWORD)


# Lockout after repeated failures.

def test_it_locks_out_after_five_failures_and_lets_in_after_the_cool_off(client,
                                                                        reporter_binhai):
    for _ in range(4):
        assert log_in(client, "reporter_binhai", "wrong-password").status_code == 200
    response = log_in(client, "reporter_binhai", "wrong-password")
    assert response.status_code == 429
    content = response.content.decode()
    assert "登录已暂时锁定" in content and "请 15 分钟后再试" in content

    response = log_in(client, "reporter_binhai")  # the right password, during the cool-off
    assert response.status_code == 429
    assert not is_logged_in(client)

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = log_in(client, "reporter_binhai")
    assert response.status_code == 302
    assert is_logged_in(client)
    assert not AccessAttempt.objects.exists()  # a success resets the count


def test_it_locks_one_user_name_not_every_user(client, reporter_binhai, coordinator_binhai):
    for _ in range(5):
        log_in(client, "reporter_binhai", "wrong-password")
    assert log_in(client, "coord_binhai").status_code == 302


def fail_logins(username, times=5, minutes_ago=0):
    """``times`` wrong passwords for ``username`` (five lock the account), ``minutes_ago``."""
    client = Client()
    for _ in range(times):
        log_in(client, username, "wrong-password")
    if minutes_ago:
        AccessAttempt.objects.filter(username=username).update(
            attempt_time=timezone.now() - timedelta(minutes=minutes_ago))


def unlocks_at(username) -> str:
    last = AccessAttempt.objects.get(username=username).attempt_time
    return timezone.localtime(last + timedelta(minutes=15)).strftime("%H:%M")


def rows_by_username(content) -> dict[str, str]:
    return dict(re.findall(r'<tr[^>]*>\s*<td class="breakable">([^<]+)</td>(.*?)</tr>', content,
                           re.S))


@pytest.mark.parametrize("page", ["district", "everyone"])
def test_the_people_lists_mark_locked_out_accounts_in_a_constant_number_of_queries(
        page, client_for, admin_user_portal, django_assert_num_queries):
    client = client_for(admin_user_portal)
    binhai = District.objects.get(code="binhai")
    url, query = people_url(), {}
    if page == "everyone":
        url, query = reverse("accounts:people"), {"district": binhai.pk}
    make_user("r0", Role.REPORTER, "binhai")
    make_user("r1", Role.REPORTER, "binhai")
    fail_logins("r0")
    with CaptureQueriesContext(connection) as with_two:
        response = client.get(url, query)
    queries = len(with_two)  # now: each request of fail_logins() empties the log it counts
    assert len(response.context["people"]) == 2
    rows = rows_by_username(response.content.decode())
    assert f"已锁定至 {unlocks_at('r0')}" in rows["r0"]
    assert "已锁定" not in rows["r1"]

    make_user("c0", Role.COORDINATOR, "binhai")
    for n in range(2, 5):
        make_user(f"r{n}", Role.REPORTER, "binhai")
    User.objects.filter(username="r3").update(is_active=False)
    fail_logins("c0")
    fail_logins("r2", minutes_ago=16)  # the cool-off is over
    fail_logins("r3")
    fail_logins("r4", times=4)  # one wrong password short of a lockout
    with django_assert_num_queries(queries):
        response = client.get(url, query)
    assert len(response.context["people"]) == 6
    rows = rows_by_username(response.content.decode())
    locked = {name for name, row in rows.items() if "已锁定" in row}
    assert locked == {"r0", "c0", "r3"}
    assert re.search(r"已停用<div class=\"locked-out\">已锁定至 " + unlocks_at("r3"), rows["r3"])
    assert "启用<div" in rows["c0"]


# My account.

def test_it_shows_my_role_district_and_unit(client_for, reporter_binhai):
    content = client_for(reporter_binhai).get(reverse("accounts:my_account")).content.decode()
    for text in ("填报员", "滨海新区", "区市场监管局（知识产权局）", reverse("password_change")):
        assert text in content


def test_my_account_reads_the_profile_and_its_district_and_unit_once(
        client_for, reporter_binhai):
    client = client_for(reporter_binhai)
    client.get(reverse("accounts:my_account"))  # the session's last-seen time written
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("accounts:my_account"))
    assert "区市场监管局（知识产权局）" in response.content.decode()
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in captured.captured_queries]
    assert tables.count('"accounts_profile"') == 1
    assert tables.count('"plans_district"') == 1 and tables.count('"plans_unit"') == 1


def test_it_shows_an_account_with_no_role(reader):
    response = reader.get(reverse("accounts:my_account"))
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()


def test_it_shows_the_people_menu_to_coordinators_and_admins_only(
        client_for, coordinator_binhai, reporter_binhai, admin_user_portal):
    home = reverse("plans:home")
    assert people_url() in client_for(coordinator_binhai).get(home).content.decode()
    assert "人员与单位" not in client_for(reporter_binhai).get(home).content.decode()
    admin_page = client_for(admin_user_portal).get(home).content.decode()
    assert reverse("accounts:people") in admin_page
    assert "我的账号" in admin_page


# The district's people page.

def test_it_shows_only_the_districts_people(client_for, coordinator_binhai, reporter_binhai,
                                            reporter_wuqing, coordinator_wuqing):
    response = client_for(coordinator_binhai).get(people_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "reporter_binhai" in content and "coord_binhai" in content
    assert "reporter_wuqing" not in content and "coord_wuqing" not in content
    assert [p.username for p in response.context["people"]] == ["coord_binhai",
                                                                "reporter_binhai"]
    unit = next(u for u in response.context["units"] if u.name == "区市场监管局（知识产权局）")
    assert unit.lead_count == 64
    assert [p.user.username for p in unit.reporters] == ["reporter_binhai"]


def test_it_refuses_another_districts_people_page(client_for, coordinator_binhai):
    client = client_for(coordinator_binhai)
    assert client.get(people_url("wuqing")).status_code == 403
    assert client.get(reverse("accounts:people")).status_code == 403
    assert client.get(reverse("accounts:person_create")).status_code == 403


def test_it_refuses_the_people_pages_to_reporters_and_leaders(client_for, reporter_binhai,
                                                              leader_binhai):
    for user in (reporter_binhai, leader_binhai):
        client = client_for(user)
        for url in (people_url(), reverse("accounts:people"),
                    reverse("accounts:person_create", args=["binhai"]),
                    reverse("accounts:unit_create", args=["binhai"])):
            response = client.get(url)
            assert response.status_code == 403, (user, url)
        assert "无权访问" in response.content.decode()


def test_its_query_count_does_not_grow_with_people(client_for, coordinator_binhai,
                                                    django_assert_num_queries):
    client = client_for(coordinator_binhai)
    units = list(Unit.objects.filter(district__code="binhai"))

    def add_reporters(start, count):
        for n in range(start, start + count):
            make_user(f"r{n}", Role.REPORTER, "binhai", units[n % len(units)].name)

    add_reporters(0, 3)
    with CaptureQueriesContext(connection) as with_three:
        assert client.get(people_url()).status_code == 200
    add_reporters(3, 27)
    with django_assert_num_queries(len(with_three)):
        response = client.get(people_url())
    assert len(response.context["people"]) == 31


# Adding and editing people.

def person_data(**changes):
    """A person form as posted: a new reporter of 区科技局 unless ``changes`` say otherwise
    (a None value leaves the field out, as a browser does for an unticked box)."""
    data = {
        "username": "new_reporter", "first_name": "王小明", "email": "", "is_active": "on",
        "role": "reporter", "unit": binhai_unit(), "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(changes)
    if isinstance(data["unit"], Unit):
        data["unit"] = data["unit"].pk
    return {k: v for k, v in data.items() if v is not None}


def binhai_unit(name="区科技局"):
    return Unit.objects.get(district__code="binhai", name=name)


def test_a_coordinator_adds_a_reporter_who_can_log_in(client_for, coordinator_binhai):
    client = client_for(coordinator_binhai)
    url = reverse("accounts:person_create", args=["binhai"])
    response = client.post(url, person_data())
    assert response.status_code == 302 and response["Location"] == people_url()
    user = User.objects.select_related("profile").get(username="new_reporter")
    assert (user.profile.role, user.profile.district.code, user.profile.unit.name) == (
        "reporter", "binhai", "区科技局")
    assert not user.is_staff and not user.is_superuser

    new_client = Client()
    assert log_in(new_client, "new_reporter", NEW_PASSWORD).status_code == 302
    assert new_client.get(reverse("plans:home")).status_code == 200


def test_it_refuses_another_districts_unit_beside_the_field(client_for, coordinator_binhai):
    wuqing_unit = Unit.objects.filter(district__code="wuqing").first()
    response = client_for(coordinator_binhai).post(
        reverse("accounts:person_create", args=["binhai"]), person_data(unit=wuqing_unit))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["请选择滨海新区的单位。"]
    assert "请选择滨海新区的单位。" in response.content.decode()
    assert not User.objects.filter(username="new_reporter").exists()


@pytest.mark.parametrize("role", ["admin", "leader"])
def test_a_coordinator_cannot_make_admins_or_leaders(client_for, coordinator_binhai, role):
    response = client_for(coordinator_binhai).post(
        reverse("accounts:person_create", args=["binhai"]),
        person_data(role=role))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="new_reporter").exists()


def test_it_needs_a_unit_for_a_reporter(client_for, coordinator_binhai):
    response = client_for(coordinator_binhai).post(
        reverse("accounts:person_create", args=["binhai"]), person_data(unit=""))
    assert response.context["form"].errors["unit"] == ["填报员必须指定所属单位。"]


def test_it_checks_the_initial_password(client_for, coordinator_binhai):
    client = client_for(coordinator_binhai)
    url = reverse("accounts:person_create", args=["binhai"])
    response = client.post(url, person_data(password1="12345678",
                                            password2="12345678"))
    assert response.context["form"].errors["password1"]
    response = client.post(url, person_data(password2="Another-one-5521"))
    assert response.context["form"].errors["password2"] == ["两次输入的密码不一致。"]
    assert not User.objects.filter(username="new_reporter").exists()


def test_a_coordinator_edits_and_deactivates_a_reporter(client_for, coordinator_binhai,
                                                        reporter_binhai):
    client = client_for(coordinator_binhai)
    url = reverse("accounts:person_update", args=["binhai", reporter_binhai.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, person_data(username="reporter_binhai",
                                            is_active=None, password1="", password2=""))
    assert response.status_code == 302
    reporter_binhai.refresh_from_db()
    assert not reporter_binhai.is_active
    assert reporter_binhai.profile.unit.name == "区科技局"
    assert reporter_binhai.check_password(PASSWORD)  # a blank password keeps the old one
    assert log_in(Client(), "reporter_binhai").status_code == 200  # refused


def test_a_coordinator_sets_a_new_password(client_for, coordinator_binhai, reporter_binhai):
    url = reverse("accounts:person_update", args=["binhai", reporter_binhai.pk])
    client_for(coordinator_binhai).post(url, person_data(
        username="reporter_binhai"))
    reporter_binhai.refresh_from_db()
    assert reporter_binhai.check_password(NEW_PASSWORD)


def test_a_coordinator_cannot_edit_another_districts_people(client_for, coordinator_binhai,
                                                            reporter_wuqing):
    client = client_for(coordinator_binhai)
    wuqing_unit = reporter_wuqing.profile.unit
    for url in (reverse("accounts:person_update", args=["wuqing", reporter_wuqing.pk]),
                reverse("accounts:person_update", args=["binhai", reporter_wuqing.pk]),
                reverse("accounts:person_update", args=[reporter_wuqing.pk])):
        assert client.get(url).status_code == 403, url
        data = person_data(unit=wuqing_unit, username="reporter_wuqing", is_active=None)
        assert client.post(url, data).status_code == 403, url
    reporter_wuqing.refresh_from_db()
    assert reporter_wuqing.is_active


def test_a_coordinator_cannot_edit_admins_or_leaders(client_for, coordinator_binhai,
                                                     admin_user_portal, leader_binhai):
    client = client_for(coordinator_binhai)
    for person in (admin_user_portal, leader_binhai):
        assert client.get(reverse("accounts:person_update", args=[person.pk])).status_code == 403
        url = reverse("accounts:person_update", args=["binhai", person.pk])
        assert client.get(url).status_code == 403


def test_it_keeps_a_coordinator_from_deactivating_themselves(client_for, coordinator_binhai):
    url = reverse("accounts:person_update", args=["binhai", coordinator_binhai.pk])
    response = client_for(coordinator_binhai).post(url, person_data(
        username="coord_binhai", role="coordinator", is_active=None,
        password1="", password2=""))
    assert response.context["form"].errors["is_active"] == ["不能停用自己的账号。"]


# Units.

def test_a_coordinator_adds_and_renames_a_unit(client_for, coordinator_binhai):
    client = client_for(coordinator_binhai)
    response = client.post(reverse("accounts:unit_create", args=["binhai"]),
                           {"name": "区档案馆", "position": "40"})
    assert response.status_code == 302
    unit = Unit.objects.get(district__code="binhai", name="区档案馆")
    response = client.post(reverse("accounts:unit_update", args=["binhai", unit.pk]),
                           {"name": "区档案局", "position": "41"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.position) == ("区档案局", 41)


def test_it_refuses_a_duplicate_unit_name_in_chinese(client_for, coordinator_binhai):
    before = Unit.objects.count()
    response = client_for(coordinator_binhai).post(
        reverse("accounts:unit_create", args=["binhai"]), {"name": "区科技局", "position": "0"})
    assert response.status_code == 200
    message = "滨海新区已有名为“区科技局”的单位。"
    assert response.context["form"].errors["name"] == [message]
    assert message in response.content.decode()
    assert Unit.objects.count() == before


def test_it_allows_the_same_unit_name_in_another_district(client_for, coordinator_wuqing):
    response = client_for(coordinator_wuqing).post(
        reverse("accounts:unit_create", args=["wuqing"]), {"name": "区科技局", "position": "0"})
    assert response.status_code == 302


def test_it_refuses_another_districts_unit_pages(client_for, coordinator_binhai):
    client = client_for(coordinator_binhai)
    unit = Unit.objects.filter(district__code="wuqing").first()
    assert client.get(reverse("accounts:unit_update", args=["wuqing", unit.pk])).status_code == 403
    assert client.get(reverse("accounts:unit_update", args=["binhai", unit.pk])).status_code == 404
    response = client.post(reverse("accounts:unit_create", args=["wuqing"]),
                           {"name": "新单位", "position": "0"})
    assert response.status_code == 403
    assert not Unit.objects.filter(name="新单位").exists()


# Admins.

def test_an_admin_lists_everyone_and_filters(client_for, admin_user_portal, coordinator_binhai,
                                              reporter_wuqing, leader_binhai, reader):
    client = client_for(admin_user_portal)
    url = reverse("accounts:people")
    names = [u.username for u in client.get(url).context["people"]]
    assert {"admin_portal", "coord_binhai", "reporter_wuqing", "leader_binhai",
            "reader"} <= set(names)
    assert [u.username for u in client.get(url, {"role": "reporter"}).context["people"]] == [
        "reporter_wuqing"]
    by_district = client.get(url, {"district": District.objects.get(code="binhai").pk})
    assert [u.username for u in by_district.context["people"]] == ["coord_binhai",
                                                                   "leader_binhai"]
    assert [u.username for u in client.get(url, {"role": "admin"}).context["people"]] == [
        "admin_portal"]


def test_the_list_of_everyone_has_a_constant_query_count(client_for, admin_user_portal,
                                                          django_assert_num_queries):
    client = client_for(admin_user_portal)
    make_user("l0", Role.LEADER, districts=["binhai"])
    make_user("r0", Role.REPORTER, "wuqing")
    with CaptureQueriesContext(connection) as with_few:
        assert client.get(reverse("accounts:people")).status_code == 200
    for n in range(1, 11):
        make_user(f"l{n}", Role.LEADER, districts=["binhai", "wuqing"])
        make_user(f"r{n}", Role.REPORTER, "wuqing")
        make_user(f"c{n}", Role.COORDINATOR, "binhai")
    with django_assert_num_queries(len(with_few)):
        assert client.get(reverse("accounts:people")).status_code == 200


def test_an_admin_adds_a_leader_with_granted_districts(client_for, admin_user_portal):
    client = client_for(admin_user_portal)
    binhai, wuqing = District.objects.filter(code__in=["binhai", "wuqing"]).order_by("code")
    data = person_data(username="leader_new", role="leader", unit="")
    response = client.post(reverse("accounts:person_create"), data)
    assert "districts" in response.context["form"].errors  # a leader needs districts

    data["districts"] = [binhai.pk, wuqing.pk]
    response = client.post(reverse("accounts:person_create"), data)
    assert response.status_code == 302
    leader = User.objects.get(username="leader_new")
    assert leader.has_perm("plans.view_district", wuqing)
    assert not leader.has_perm("plans.view_district", District.objects.get(code="chaoyang"))


def test_an_admin_adds_an_admin_who_opens_the_django_admin(client_for, admin_user_portal):
    data = person_data(username="admin_new", role="admin", unit="")
    response = client_for(admin_user_portal).post(reverse("accounts:person_create"), data)
    assert response.status_code == 302
    new_admin = User.objects.get(username="admin_new")
    assert new_admin.is_staff and new_admin.is_superuser
    assert client_for(new_admin).get(reverse("admin:index")).status_code == 200


def test_an_admin_checks_unit_against_district(client_for, admin_user_portal):
    wuqing_unit = Unit.objects.filter(district__code="wuqing").first()
    data = person_data(unit=wuqing_unit, district=District.objects.get(code="binhai").pk)
    response = client_for(admin_user_portal).post(reverse("accounts:person_create"), data)
    assert response.context["form"].errors["unit"] == ["所选单位不属于所属区域。"]


def test_an_admin_manages_any_districts_people(client_for, admin_user_portal, reporter_wuqing):
    client = client_for(admin_user_portal)
    assert client.get(people_url("wuqing")).status_code == 200
    url = reverse("accounts:person_update", args=[reporter_wuqing.pk])
    assert client.get(url).status_code == 200
    url = reverse("accounts:person_update", args=["binhai", reporter_wuqing.pk])
    assert client.get(url).status_code == 404  # not a person of 滨海新区


def test_the_django_admin_shows_roles(admin_client, coordinator_binhai):
    response = admin_client.get(reverse("admin:auth_user_changelist"),
                                {"profile__role": "coordinator"})
    assert response.status_code == 200
    assert "coord_binhai" in response.content.decode()
    response = admin_client.get(reverse("admin:auth_user_change", args=[coordinator_binhai.pk]))
    assert "区管理员" in response.content.decode()


def test_it_refuses_a_unit_name_that_differs_only_in_bracket_width(client_for,
                                                                    coordinator_binhai):
    existing = Unit.objects.filter(district__code="binhai", name__contains="（").first()
    assert existing is not None
    half_width = existing.name.replace("（", "(").replace("）", ")")
    before = Unit.objects.count()
    response = client_for(coordinator_binhai).post(
        reverse("accounts:unit_create", args=["binhai"]), {"name": half_width, "position": "0"})
    assert response.context["form"].errors["name"] == [
        f"滨海新区已有名为“{existing.name}”的单位。"]
    assert Unit.objects.count() == before


def test_a_renamed_unit_keeps_its_old_name_among_its_spellings(client_for, coordinator_binhai):
    unit = binhai_unit()
    client = client_for(coordinator_binhai)
    client.post(reverse("accounts:unit_update", args=["binhai", unit.pk]),
                {"name": "区科学技术局", "position": unit.position})
    unit.refresh_from_db()
    assert (unit.name, unit.aliases) == ("区科学技术局", ["区科技局"])
    assert unit.history.first().history_user == coordinator_binhai  # the rename is in history
    # and the old name cannot be given to a new unit
    response = client.post(reverse("accounts:unit_create", args=["binhai"]),
                           {"name": "区科技局", "position": "0"})
    assert response.context["form"].errors["name"] == [
        "“区科技局”是滨海新区单位“区科学技术局”的其他写法（或原名称）。"]


def test_it_refuses_a_user_name_that_differs_only_in_case(client_for, coordinator_binhai,
                                                          reporter_binhai):
    response = client_for(coordinator_binhai).post(
        reverse("accounts:person_create", args=["binhai"]),
        person_data(username="Reporter_Binhai"))
    assert response.context["form"].errors["username"] == [
        "已有用户名“Reporter_Binhai”（不区分大小写），请换一个。"]
    assert User.objects.filter(username__iexact="reporter_binhai").count() == 1


def test_a_coordinator_manages_reporters_not_other_coordinators(client_for, coordinator_binhai,
                                                                admin_user_portal):
    other = make_user("coord_binhai_2", Role.COORDINATOR, "binhai")
    client = client_for(coordinator_binhai)
    url = reverse("accounts:person_update", args=["binhai", other.pk])
    assert client.get(url).status_code == 403
    data = person_data(username="coord_binhai_2", role="coordinator", is_active=None)
    assert client.post(url, data).status_code == 403
    other.refresh_from_db()
    assert other.is_active and other.check_password(PASSWORD)
    page = client.get(people_url()).content.decode()
    assert url not in page and "由系统管理员管理" in page
    # nor makes one; but keeps their own role when editing their own account
    response = client.post(reverse("accounts:person_create", args=["binhai"]),
                           person_data(role="coordinator"))
    assert "role" in response.context["form"].errors
    own = client.get(reverse("accounts:person_update", args=["binhai", coordinator_binhai.pk]))
    assert [v for v, _label in own.context["form"].fields["role"].choices] == [
        "", "coordinator", "reporter"]
    assert own.context["form"].fields["role"].disabled  # shown, not to be changed
    # the admin does all of it
    admin = client_for(admin_user_portal)
    assert admin.get(url).status_code == 200
    assert admin.post(url, data).status_code == 302
    other.refresh_from_db()
    assert not other.is_active


def test_a_new_password_lifts_a_lockout_and_the_form_says_it_is_locked(
        client, client_for, coordinator_binhai, reporter_binhai):
    for _ in range(5):
        log_in(client, "reporter_binhai", "wrong-password")
    assert log_in(Client(), "reporter_binhai").status_code == 429
    coordinator = client_for(coordinator_binhai)
    url = reverse("accounts:person_update", args=["binhai", reporter_binhai.pk])
    assert "该账号因多次输错密码已被暂时锁定" in coordinator.get(url).content.decode()
    assert coordinator.post(url, person_data(username="reporter_binhai")).status_code == 302
    assert log_in(Client(), "reporter_binhai", NEW_PASSWORD).status_code == 302
    assert "该账号因多次输错密码已被暂时锁定" not in coordinator.get(url).content.decode()


def test_account_changes_are_in_history_without_the_password_or_logins(
        client_for, coordinator_binhai, reporter_binhai):
    history = User.history.filter(id=reporter_binhai.pk)
    before = history.count()
    assert log_in(Client(), "reporter_binhai").status_code == 302
    assert history.count() == before  # a login leaves no record
    profile_records = reporter_binhai.profile.history.count()

    client = client_for(coordinator_binhai)
    url = reverse("accounts:person_update", args=["binhai", reporter_binhai.pk])
    unit = reporter_binhai.profile.unit
    client.post(url, person_data(username="reporter_binhai", unit=unit, is_active=None,
                                 password1="", password2=""))
    client.post(url, person_data(username="reporter_binhai", unit=unit))  # a new password
    records = list(history.order_by("history_date")[before:])
    assert [(r.is_active, r.history_user, r.history_change_reason) for r in records] == [
        (False, coordinator_binhai, None), (True, coordinator_binhai, "重设密码")]
    assert not hasattr(records[0], "password")
    client.post(url, person_data(username="reporter_binhai", unit=unit, first_name="王小明",
                                 password1="", password2=""))  # saved with no change
    assert history.count() == before + 2
    assert reporter_binhai.profile.history.count() == profile_records  # the role did not change


def test_my_account_shows_the_previous_login_not_this_one(client, reporter_binhai):
    assert log_in(client, "reporter_binhai").status_code == 302
    assert "这是首次登录" in client.get(reverse("accounts:my_account")).content.decode()
    earlier = timezone.now() - timedelta(days=3)
    User.objects.filter(pk=reporter_binhai.pk).update(last_login=earlier)
    again = Client()
    assert log_in(again, "reporter_binhai").status_code == 302
    content = again.get(reverse("accounts:my_account")).content.decode()
    shown = timezone.localtime(earlier).strftime("%Y-%m-%d %H:%M")
    now = timezone.localtime(User.objects.get(pk=reporter_binhai.pk).last_login)
    assert re.search(r"上次登录</th><td>" + shown, content)
    assert re.search(r"本次登录</th><td>" + now.strftime("%Y-%m-%d %H:%M"), content)
