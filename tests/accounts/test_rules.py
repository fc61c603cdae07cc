"""Every permission of accounts/rules.py for every kind of user, as one table."""

import pytest
from django.contrib.auth import get_user_model

from plans.models import District, Unit
from tasks.models import Task
from tests.users import make_user

pytestmark = pytest.mark.django_db

LEAD_UNIT = "区市场监管局（知识产权局）"

USERS = {
    "admin": lambda: make_user("admin", "admin"),
    "superuser": lambda: make_user("root", None, superuser=True),
    "coord_binhai": lambda: make_user("coord_binhai", "coordinator", "binhai"),
    "reporter_binhai": lambda: make_user("reporter_binhai", "reporter", "binhai", LEAD_UNIT),
    "leader_binhai": lambda: make_user("leader_binhai", "leader", districts=["binhai"]),
    "leader_all": lambda: make_user("leader_all", "leader", all_districts=True),
    "coord_wuqing": lambda: make_user("coord_wuqing", "coordinator", "wuqing"),
    "reporter_wuqing": lambda: make_user("reporter_wuqing", "reporter", "wuqing"),
    "no_profile": lambda: make_user("nobody", None),
    "inactive_coord": lambda: inactive(make_user("gone", "coordinator", "binhai")),
    "inactive_superuser": lambda: inactive(make_user("gone_root", None, superuser=True)),
}


def inactive(user):
    user.is_active = False
    user.save()
    return user


def lead_task():
    return Task.objects.filter(plan__district__code="binhai", lead_unit__name=LEAD_UNIT).first()


def support_task():
    unit = Unit.objects.get(district__code="binhai", name=LEAD_UNIT)
    return (Task.objects.filter(plan__district__code="binhai", supporting_units=unit)
            .exclude(lead_unit=unit).first())


def other_task():
    unit = Unit.objects.get(district__code="binhai", name=LEAD_UNIT)
    return (Task.objects.filter(plan__district__code="binhai", lead_unit__isnull=False)
            .exclude(lead_unit=unit).exclude(supporting_units=unit).first())


OBJECTS = {
    "binhai": lambda: District.objects.get(code="binhai"),
    "wuqing": lambda: District.objects.get(code="wuqing"),
    # 保税区 lies inside 滨海新区; a grant of 滨海新区 does not reach it.
    "baoshui": lambda: District.objects.get(code="baoshui"),
    "lead_task": lead_task,
    "support_task": support_task,
    "other_task": other_task,
    "wuqing_task": lambda: Task.objects.filter(plan__district__code="wuqing",
                                               lead_unit__isnull=False).first(),
    # people managed on the 人员与单位 pages (a coordinator's own account: tests/accounts/test_views.py)
    "a_binhai_reporter": lambda: make_user("person_reporter", "reporter", "binhai"),
    "a_binhai_coordinator": lambda: make_user("person_coord", "coordinator", "binhai"),
    "a_wuqing_reporter": lambda: make_user("person_reporter_wq", "reporter", "wuqing"),
    "a_leader": lambda: make_user("person_leader", "leader", all_districts=True),
    None: lambda: None,
}

ADMINS = {"admin", "superuser"}

# (permission, object) → the users who hold it; every other user in USERS does not.
GRANTED = {
    ("plans.view_district", "binhai"):
        ADMINS | {"leader_binhai", "leader_all", "coord_binhai", "reporter_binhai"},
    ("plans.view_district", "wuqing"): ADMINS | {"leader_all", "coord_wuqing", "reporter_wuqing"},
    ("plans.view_district", "baoshui"): ADMINS | {"leader_all"},
    ("indicators.enter_figures", "binhai"): ADMINS | {"coord_binhai", "reporter_binhai"},
    ("indicators.enter_figures", "wuqing"): ADMINS | {"coord_wuqing", "reporter_wuqing"},
    ("reporting.approve", "binhai"): ADMINS | {"coord_binhai"},
    ("reporting.approve", "wuqing"): ADMINS | {"coord_wuqing"},
    ("tasks.report_progress", "lead_task"): ADMINS | {"coord_binhai", "reporter_binhai"},
    ("tasks.report_progress", "support_task"): ADMINS | {"coord_binhai"},
    ("tasks.report_progress", "other_task"): ADMINS | {"coord_binhai"},
    ("tasks.report_progress", "wuqing_task"): ADMINS | {"coord_wuqing", "reporter_wuqing"},
    ("tasks.contribute", "lead_task"): ADMINS,
    ("tasks.contribute", "support_task"): ADMINS | {"reporter_binhai"},
    ("tasks.contribute", "other_task"): ADMINS,
    ("tasks.contribute", "wuqing_task"): ADMINS,
    ("accounts.manage_district", "binhai"): ADMINS | {"coord_binhai"},
    ("accounts.manage_district", "wuqing"): ADMINS | {"coord_wuqing"},
    ("accounts.manage_person", "a_binhai_reporter"): ADMINS | {"coord_binhai"},
    ("accounts.manage_person", "a_binhai_coordinator"): ADMINS,
    ("accounts.manage_person", "a_wuqing_reporter"): ADMINS | {"coord_wuqing"},
    ("accounts.manage_person", "a_leader"): ADMINS,
    ("accounts.administer", None): ADMINS,
}

TABLE = [
    (user, perm, obj, user in granted)
    for (perm, obj), granted in GRANTED.items()
    for user in USERS
]


@pytest.mark.parametrize("user_key, perm, obj_key, expected", TABLE)
def test_it_grants_exactly_what_the_table_says(user_key, perm, obj_key, expected):
    user = USERS[user_key]()
    obj = OBJECTS[obj_key]()
    assert user.has_perm(perm, obj) is expected


def test_it_covers_every_permission_it_registers():
    import rules

    names = {name for name in rules.permissions.permissions if "." in name}
    assert names == {perm for perm, _ in GRANTED}


def test_it_finds_the_tasks_the_table_needs():
    for key in ("lead_task", "support_task", "other_task", "wuqing_task"):
        assert OBJECTS[key]() is not None, key


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_it_reads_the_profile_once_for_many_checks(django_assert_num_queries):
    user = fresh(make_user("coord", "coordinator", "binhai"))
    districts = list(District.objects.all())
    with django_assert_num_queries(1):
        for district in districts * 3:
            user.has_perm("plans.view_district", district)
            user.has_perm("reporting.approve", district)


def test_it_reads_a_leaders_grants_once(django_assert_num_queries):
    user = fresh(make_user("leader", "leader", districts=["binhai", "wuqing"]))
    districts = list(District.objects.all())
    with django_assert_num_queries(2):  # the profile, then the granted districts
        seen = [d.code for d in districts * 2 if user.has_perm("plans.view_district", d)]
    assert sorted(set(seen)) == ["binhai", "wuqing"]


def test_it_checks_prefetched_tasks_without_queries(django_assert_num_queries):
    user = fresh(make_user("rep", "reporter", "binhai", LEAD_UNIT))
    tasks = list(Task.objects.filter(plan__district__code="binhai")
                 .select_related("plan").prefetch_related("supporting_units"))
    user.has_perm("accounts.administer")  # reads the profile
    with django_assert_num_queries(0):
        contributing = [t for t in tasks if user.has_perm("tasks.contribute", t)]
        leading = [t for t in tasks if user.has_perm("tasks.report_progress", t)]
    assert len(contributing) == 5 and len(leading) == 64


def test_it_counts_a_superuser_as_admin_whatever_the_profile_says():
    user = make_user("boss", "reporter", "wuqing", superuser=True)
    assert user.has_perm("accounts.manage_district", District.objects.get(code="binhai"))
    assert user.has_perm("accounts.administer")


def test_it_denies_an_anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    district = District.objects.get(code="binhai")
    assert not AnonymousUser().has_perm("plans.view_district", district)
