import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors
from accounts.access import district_or_403, require_perm
from accounts.choices import DISTRICT_ROLES, Role
from accounts.filtersets import PersonFilterSet
from accounts.forms import PersonForm, UnitForm
from accounts.models import Profile
from accounts.services import person_save
from plans.models import Unit

MANAGE = "accounts.manage_district"
PREVIOUS_LOGIN = "ipops_previous_login"  # the session's record of the login before this one
ADMINISTER = "accounts.administer"


@require_GET
def my_account(request):
    user = request.user
    previous = request.session.get(PREVIOUS_LOGIN)
    return render(request, "accounts/my_account.html", {
        # None: the session began before this was kept, "" : the first login ever
        "previous_login": datetime.datetime.fromisoformat(previous) if previous else previous,
        "profile": selectors.user_profile(user),  # the one the role and the menu read too
        "role": selectors.user_role(user),
        "visible_districts": selectors.visible_districts(user),
    })


@require_GET
def people_list(request):
    require_perm(request, ADMINISTER)
    filterset = PersonFilterSet(request.GET, queryset=selectors.people())
    return render(request, "accounts/people_list.html", {
        "filter": filterset,
        "people": filterset.qs,
    })


@require_GET
def district_people(request, code):
    district = district_or_403(request, code, MANAGE)
    return render(request, "accounts/district_people.html", {
        "district": district,
        "units": selectors.district_units(district),
        "people": selectors.district_people(district),
    })


def _people_url(district) -> str:
    if district is None:
        return reverse("accounts:people")
    return reverse("accounts:district_people", args=[district.code])


def _unit_form(request, code, pk=None):
    district = district_or_403(request, code, MANAGE)
    unit = get_object_or_404(Unit, pk=pk, district=district) if pk else None
    form = UnitForm(request.POST or None, instance=unit, district=district)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, _("已保存单位“%(name)s”。") % {"name": unit.name})
        return redirect(_people_url(district))
    return render(request, "accounts/unit_form.html", {
        "district": district, "unit": unit, "form": form,
    })


@require_http_methods(["GET", "POST"])
def unit_create(request, code):
    return _unit_form(request, code)


@require_http_methods(["GET", "POST"])
def unit_update(request, code, pk):
    return _unit_form(request, code, pk)


def _person_role(person) -> Role | None:
    """A person's role, whether or not the account is active (unlike ``user_role``)."""
    if person.is_superuser:
        return Role.ADMIN
    try:
        return Role(person.profile.role)
    except Profile.DoesNotExist:
        return None


def _person_form(request, person, code=None):
    """Add or edit a person. With a district code, only that district's coordinators and
    reporters; without one, anyone (admins only)."""
    district = district_or_403(request, code, MANAGE) if code else None
    if district is None:
        require_perm(request, ADMINISTER)
    if person.pk:
        if _person_role(person) in DISTRICT_ROLES:
            # a coordinator: the district's reporters and their own account (accounts/rules.py)
            require_perm(request, "accounts.manage_person", person)
            if district is not None and person.profile.district != district:
                raise Http404
        else:
            require_perm(request, ADMINISTER)
            if district is not None:
                raise Http404

    form = PersonForm(request.POST or None, instance=person, editor=request.user,
                      district=district)
    if request.method == "POST" and form.is_valid():
        person = person_save(**form.person_data())
        messages.success(request, _("已保存“%(name)s”的账号。") % {
            "name": person.get_full_name() or person.get_username()
        })
        return redirect(_people_url(district))
    return render(request, "accounts/person_form.html", {
        "district": district, "person": person, "form": form,
        "locked_until": selectors.locked_out_until(person.get_username()) if person.pk else None,
    })


@require_http_methods(["GET", "POST"])
def person_create(request, code=None):
    return _person_form(request, get_user_model()(), code)


@require_http_methods(["GET", "POST"])
def person_update(request, pk, code=None):
    users = get_user_model().objects.select_related("profile__district")
    return _person_form(request, get_object_or_404(users, pk=pk), code)


class LoginView(auth_views.LoginView):
    """Django's login, which keeps the user's previous login time for 我的账号 (Django's own
    receiver has already replaced ``last_login`` by the time the login signal reaches us)."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        previous = form.get_user().last_login
        response = super().form_valid(form)
        self.request.session[PREVIOUS_LOGIN] = previous.isoformat() if previous else ""
        return response


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), which then tells the login page that it happened."""

    def post(self, request, *args, **kwargs):
        was_logged_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_logged_in:  # the session is gone; the message travels in its own cookie
            messages.info(request, _("您已退出登录。"))
        return response
