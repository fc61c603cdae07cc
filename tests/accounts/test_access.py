"""The 403 helpers other apps use (accounts/access.py)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views import View

from accounts.access import RequirePermMixin, district_or_403, require_perm
from plans.models import District
from tests.users import make_user

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_raises_permission_denied_without_the_permission():
    request = request_for(make_user("c", "coordinator", "binhai"))
    require_perm(request, "reporting.approve", District.objects.get(code="binhai"))
    with pytest.raises(PermissionDenied):
        require_perm(request, "reporting.approve", District.objects.get(code="wuqing"))


def test_it_finds_a_district_or_refuses():
    request = request_for(make_user("c", "coordinator", "binhai"))
    assert district_or_403(request, "binhai", "accounts.manage_district").code == "binhai"
    with pytest.raises(PermissionDenied):
        district_or_403(request, "wuqing", "accounts.manage_district")
    with pytest.raises(Http404):
        district_or_403(request, "nowhere", "accounts.manage_district")


class ApproveView(RequirePermMixin, View):
    permission_required = "reporting.approve"

    def get_permission_object(self):
        return District.objects.get(code=self.kwargs["code"])

    def get(self, request, code):
        return HttpResponse(self.permission_object.name)


def test_it_guards_a_class_based_view():
    view = ApproveView.as_view()
    request = request_for(make_user("c", "coordinator", "wuqing"))
    assert view(request, code="wuqing").content.decode() == "武清区"
    with pytest.raises(PermissionDenied):
        view(request, code="binhai")
