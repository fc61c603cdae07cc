"""What a profile must hold for its role (Profile.clean)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from accounts.models import Profile
from plans.models import District, Unit
from tests.users import make_user

pytestmark = pytest.mark.django_db


def errors(**fields) -> dict:
    profile = Profile(user=get_user_model()(username="x"), **fields)
    try:
        profile.clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_it_needs_a_district_and_a_unit_of_it_for_a_reporter():
    binhai = District.objects.get(code="binhai")
    wuqing_unit = Unit.objects.filter(district__code="wuqing").first()
    assert set(errors(role="reporter")) == {"district", "unit"}
    assert errors(role="reporter", district=binhai, unit=wuqing_unit) == {
        "unit": ["所选单位不属于所属区域。"]}
    unit = Unit.objects.filter(district=binhai).first()
    assert errors(role="reporter", district=binhai, unit=unit) == {}


def test_it_needs_a_district_for_a_coordinator():
    assert set(errors(role="coordinator")) == {"district"}
    assert errors(role="coordinator", district=District.objects.get(code="wuqing")) == {}


def test_it_keeps_admins_and_leaders_out_of_districts():
    binhai = District.objects.get(code="binhai")
    assert set(errors(role="leader", district=binhai)) == {"district"}
    assert errors(role="admin") == {}


def test_it_keeps_history():
    user = make_user("c", "coordinator", "binhai")
    profile = user.profile
    profile.district = District.objects.get(code="wuqing")
    profile.save()
    assert [h.district.code for h in profile.history.order_by("history_date")] == [
        "binhai", "wuqing"]
