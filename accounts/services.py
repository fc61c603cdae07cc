"""Writes about people: saving a person's account together with their role."""

from axes.utils import reset as reset_login_failures
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from accounts.choices import Role
from accounts.models import PASSWORD_RESET, Profile
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
    account_changed: bool = True,
) -> AbstractUser:
    """Save ``user`` (new or changed) with its profile; the role decides the admin flags.

    An admin gets the Django admin (``is_staff`` and ``is_superuser``); every other role loses
    both. Only the fields that belong to the role are kept: a district and unit for
    coordinators and reporters, granted districts for leaders. A new password also ends a
    lockout (django-axes) that too many wrong passwords caused.
    """
    if password:
        user.set_password(password)
        if user.pk:  # a new password also lifts a lockout after too many wrong ones
            reset_login_failures(username=user.get_username())
            user._change_reason = PASSWORD_RESET  # the hash itself is kept out of the history
    is_admin = role == Role.ADMIN
    user.is_staff = user.is_superuser = is_admin
    if account_changed or password:  # an unchanged account leaves no empty history record
        user.save()

    in_district = role in (Role.COORDINATOR, Role.REPORTER)
    is_leader = role == Role.LEADER
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    wanted = {
        "role": role,
        "district_id": district.pk if in_district and district else None,
        "unit_id": unit.pk if in_district and unit else None,
        "all_districts": bool(all_districts) if is_leader else False,
    }
    # saved only when something changed: an unchanged role leaves no empty history record
    if profile.pk is None or any(getattr(profile, k) != v for k, v in wanted.items()):
        for name, value in wanted.items():
            setattr(profile, name, value)
        profile.save()
    profile.districts.set(districts if is_leader and not all_districts else [])
    user.profile = profile
    return user
