"""Reads about people and rights: who a user is, what they may see, and the people pages.

The role helpers read ``user.profile`` once; Django keeps the fetched profile (or its absence)
on the user object, so later calls on the same user run no query. Fetch users with
``select_related("profile")`` to avoid even that one.
"""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.choices import DISTRICT_ROLES, Role
from accounts.models import Profile
from plans.models import District, Unit


def user_profile(user) -> Profile | None:
    """The profile of an active, logged-in user, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def user_role(user) -> Role | None:
    """The user's role; a superuser is an admin whatever the profile says. None: no rights."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = user_profile(user)
    return Role(profile.role) if profile else None


def user_district_id(user) -> int | None:
    """The id of the district a coordinator or reporter belongs to (no query beyond the profile)."""
    profile = user_profile(user)
    if profile is None or user_role(user) not in DISTRICT_ROLES:
        return None
    return profile.district_id


def user_district(user) -> District | None:
    """The district a coordinator or reporter belongs to; None for other roles."""
    return user_profile(user).district if user_district_id(user) else None


def user_unit_id(user) -> int | None:
    """The id of a reporter's unit (no query beyond the profile)."""
    profile = user_profile(user)
    if profile is None or user_role(user) != Role.REPORTER:
        return None
    return profile.unit_id


def user_unit(user) -> Unit | None:
    """A reporter's unit; None for other roles."""
    return user_profile(user).unit if user_unit_id(user) else None


def leader_sees(user, district_id: int) -> bool:
    """Whether a leader was granted the district (all districts, or this one by name)."""
    profile = user_profile(user)
    if profile is None or user_role(user) != Role.LEADER:
        return False
    return profile.all_districts or district_id in profile.granted_district_ids


def visible_districts(user) -> QuerySet[District]:
    """The districts the user may view, as the ``plans.view_district`` permission decides."""
    role = user_role(user)
    districts = District.objects.all()
    if role == Role.ADMIN:
        return districts
    if role == Role.LEADER:
        profile = user_profile(user)
        if profile.all_districts:
            return districts
        return districts.filter(granted_profiles=profile)
    if role in DISTRICT_ROLES:
        return districts.filter(pk=user_district_id(user))
    return districts.none()


# The people pages.

def people() -> QuerySet:
    """Every user with their profile, district, unit, granted districts and ``locked_until``
    (three queries)."""
    return (
        with_lockouts(get_user_model().objects)
        .select_related("profile__district", "profile__unit")
        .prefetch_related("profile__districts")
        .order_by("username")
    )


def district_people(district: District) -> QuerySet:
    """The coordinators and reporters of a district with ``locked_until``, coordinators first
    (one query)."""
    return (
        with_lockouts(get_user_model().objects)
        .filter(profile__district=district, profile__role__in=DISTRICT_ROLES)
        .select_related("profile__unit")
        .order_by("profile__role", "username")
    )


def district_units(district: District) -> QuerySet[Unit]:
    """A district's units with ``lead_count`` (tasks they lead) and ``reporters`` (two queries)."""
    reporters = (
        Profile.objects.filter(role=Role.REPORTER)
        .select_related("user")
        .order_by("user__username")
    )
    return (
        Unit.objects.filter(district=district)
        .annotate(lead_count=Count("led_tasks", distinct=True))
        .prefetch_related(Prefetch("profiles", queryset=reporters, to_attr="reporters"))
        .order_by("position", "name")
    )


def role_filter(role: str) -> Q:
    """Users of a role, counting superusers as admins (for filtering ``people()``)."""
    if role == Role.ADMIN:
        return Q(is_superuser=True) | Q(profile__role=Role.ADMIN)
    return Q(profile__role=role, is_superuser=False)


def lockouts() -> QuerySet[AccessAttempt]:
    """django-axes' records that lock an account out now: too many wrong passwords (counted per
    user and address), the last of them within the cool-off. A lockout ends a cool-off after
    its last attempt."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gt=timezone.now() - settings.AXES_COOLOFF_TIME,
    )


def with_lockouts(users: QuerySet) -> QuerySet:
    """``users`` with ``locked_until``: when their lockout ends, or None if they are not locked
    out anywhere (a subquery: no query of its own)."""
    last = (lockouts().filter(username=OuterRef(get_user_model().USERNAME_FIELD))
            .order_by("-attempt_time").values("attempt_time")[:1])
    return users.annotate(locked_until=Subquery(last) + settings.AXES_COOLOFF_TIME)


def locked_out_until(username: str) -> datetime.datetime | None:
    """When the lockout of ``username`` ends, or None if the account is not locked out."""
    last = lockouts().filter(username=username).aggregate(last=Max("attempt_time"))["last"]
    return None if last is None else last + settings.AXES_COOLOFF_TIME
