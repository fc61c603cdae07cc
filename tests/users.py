"""Portal users with roles, shared by the tests (the fixtures in conftest.py use these)."""

from django.contrib.auth import get_user_model

from accounts.choices import Role
from accounts.models import Profile
from plans.models import District, Unit

PASSWORD = "Quiet-harbour-2031"


def make_user(username, role, district_code=None, unit_name=None, districts=(),
              all_districts=False, superuser=False, password=PASSWORD):
    """A user with ``role`` (None: no profile). A reporter with no ``unit_name`` gets the
    district's first unit."""
    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(username, password=password)
    else:
        user = User.objects.create_user(username, password=password)
    if role is None:
        return user
    district = District.objects.get(code=district_code) if district_code else None
    unit = None
    if unit_name:
        unit = Unit.objects.get(district=district, name=unit_name)
    elif role == Role.REPORTER:
        unit = Unit.objects.filter(district=district).order_by("position", "name").first()
    profile = Profile.objects.create(user=user, role=role, district=district, unit=unit,
                                     all_districts=all_districts)
    if districts:
        profile.districts.set(District.objects.filter(code__in=districts))
    return user
