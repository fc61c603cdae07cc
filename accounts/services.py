"""Writes about people: saving a person's account together with their role."""

from django.contrib.auth.models import AbstractUser
from django.db import transaction

from accounts.choices import Role
from accounts.models import Profile
from plans.models import District, Unit


@transaction.atomic
def person_save(
    *,
    user: AbstractUser,
    role: str,
    password: str = "",
    district: District | None = None,
    unit: Unit | None = None,
    districts=(),
    all_districts: bool = False,
) -> AbstractUser:
    """Save ``user`` (new or changed) with its profile; the role decides the admin flags.

    An admin gets the Django admin (``is_staff`` and ``is_superuser``); every other role loses
    both. Only the fields that belong to the role are kept: a district and unit for
    coordinators and reporters, granted districts for leaders.
    """
    if password:
        user.set_password(password)
    is_admin = role == Role.ADMIN
    user.is_staff = user.is_superuser = is_admin
    user.save()

    in_district = role in (Role.COORDINATOR, Role.REPORTER)
    is_leader = role == Role.LEADER
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    profile.role = role
    profile.district = district if in_district else None
    profile.unit = unit if in_district else None
    profile.all_districts = bool(all_districts) if is_leader else False
    profile.save()
    profile.districts.set(districts if is_leader and not all_districts else [])
    user.profile = profile
    return user
