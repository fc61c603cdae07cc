"""Who a user is and which districts they see (accounts/selectors.py)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.choices import Role
from accounts.selectors import (
    locked_out_until,
    user_district,
    user_role,
    user_unit,
    visible_districts,
    with_lockouts,
)
from tests.users import make_user

pytestmark = pytest.mark.django_db

ALL = ["baoshui", "binhai", "chaoyang", "hongqiao", "wuqing"]


def codes(user):
    return sorted(visible_districts(user).values_list("code", flat=True))


def test_it_shows_every_district_to_admins_and_all_district_leaders():
    assert codes(make_user("a", "admin")) == ALL
    assert codes(make_user("root", None, superuser=True)) == ALL
    assert codes(make_user("l", "leader", all_districts=True)) == ALL


def test_it_shows_a_leader_only_the_granted_districts():
    assert codes(make_user("l", "leader", districts=["binhai", "wuqing"])) == ["binhai", "wuqing"]


def test_it_shows_coordinators_and_reporters_their_own_district():
    assert codes(make_user("c", "coordinator", "wuqing")) == ["wuqing"]
    assert codes(make_user("r", "reporter", "binhai")) == ["binhai"]


def test_it_shows_nothing_to_users_without_a_role_or_inactive():
    assert codes(make_user("nobody", None)) == []
    user = make_user("gone", "leader", all_districts=True)
    user.is_active = False
    assert codes(user) == []


def test_it_names_the_role_district_and_unit():
    reporter = make_user("r", "reporter", "binhai", "区科技局")
    assert user_role(reporter) == Role.REPORTER
    assert user_district(reporter).code == "binhai"
    assert user_unit(reporter).name == "区科技局"
    coordinator = make_user("c", "coordinator", "binhai")
    assert (user_role(coordinator), user_district(coordinator).code, user_unit(coordinator)) == (
        Role.COORDINATOR, "binhai", None)
    leader = make_user("l", "leader", districts=["binhai"])
    assert (user_role(leader), user_district(leader), user_unit(leader)) == (
        Role.LEADER, None, None)
    assert user_role(make_user("nobody", None)) is None
    assert user_role(make_user("boss", "reporter", "binhai", superuser=True)) == Role.ADMIN


def fail_logins(username, address, minutes_ago, failures=5):
    """django-axes' record of ``failures`` wrong passwords from ``address``, the last
    ``minutes_ago``."""
    attempt = AccessAttempt.objects.create(
        username=username, ip_address=address, user_agent="", http_accept="",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=failures)
    attempt_time = timezone.now() - timedelta(minutes=minutes_ago)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt_time)
    return attempt_time


def test_it_tells_until_when_accounts_are_locked_out_and_only_during_the_cool_off():
    for name in ("twice", "over", "short", "never"):
        make_user(name, "reporter", "binhai")
    fail_logins("twice", "10.0.0.1", minutes_ago=3)
    last = fail_logins("twice", "10.0.0.2", minutes_ago=1)  # the later lockout ends later
    fail_logins("over", "10.0.0.1", minutes_ago=16)  # the cool-off is over
    fail_logins("short", "10.0.0.1", minutes_ago=1, failures=4)
    expected = {"never": None, "over": None, "short": None,
                "twice": last + settings.AXES_COOLOFF_TIME}
    users = with_lockouts(get_user_model().objects.filter(username__in=expected))
    assert {user.username: user.locked_until for user in users} == expected
    assert {name: locked_out_until(name) for name in expected} == expected
