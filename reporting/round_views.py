"""Reporting rounds (填报轮次): the admins' list, and one district's round status."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import require_perm
from accounts.choices import Role
from accounts.selectors import user_role
from ipops.years import YEARS
from plans.models import District
from reporting.forms import DeadlineForm, ReportingRoundForm
from reporting.models import ReportingRound
from reporting.round_selectors import round_status as round_status_data
from reporting.round_selectors import rounds_overview


def _past_deadline_warning(request, round_):
    if round_.deadline < timezone.localdate():
        messages.warning(request, _(
            "截止日期 %(deadline)s 已过：该轮次已开放，但此后提交的数据都将标记为逾期。"
        ) % {"deadline": round_.deadline.isoformat()})


def round_list(request):
    """Every round with its deadline and completion; a form to open a round for a year."""
    require_perm(request, "accounts.administer")
    form = ReportingRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.save(commit=False)
        round_.opened_by = request.user
        round_.is_open = True
        round_.save()
        messages.success(request, _("已开启 %(year)s 年度填报，截止日期 %(deadline)s。") % {
            "year": round_.year, "deadline": round_.deadline.isoformat()})
        _past_deadline_warning(request, round_)
        return redirect("rounds:round_list")
    return _round_list_page(request, form)


def _round_list_page(request, form, moved=None):
    """The list with the new-round form; ``moved``: a refused deadline move, shown in its row."""
    refused = bool(form.errors) or moved is not None
    return render(request, "reporting/round_list.html", {
        "form": form, "moved": moved, "rows": rounds_overview(timezone.localdate()),
    }, status=400 if refused else 200)


def _set_open(request, pk, is_open: bool):
    require_perm(request, "accounts.administer")
    round_ = get_object_or_404(ReportingRound, pk=pk)
    if round_.is_open != is_open:
        round_.is_open = is_open
        round_.save(update_fields=["is_open"])
    if is_open:
        messages.success(request, _("已重新开放 %(year)s 年度填报。") % {"year": round_.year})
        _past_deadline_warning(request, round_)
    else:
        messages.success(request, _("已关闭 %(year)s 年度填报。") % {"year": round_.year})
    return redirect("rounds:round_list")


@require_POST
def round_close(request, pk):
    return _set_open(request, pk, False)


@require_POST
def round_reopen(request, pk):
    return _set_open(request, pk, True)


@require_POST
def round_deadline(request, pk):
    """Move a round's deadline; a refused one is shown beside the row's field, as typed."""
    require_perm(request, "accounts.administer")
    round_ = get_object_or_404(ReportingRound, pk=pk)
    form = DeadlineForm(request.POST, instance=round_)
    if not form.is_valid():
        return _round_list_page(request, ReportingRoundForm(), moved=form)
    form.save()
    messages.success(request, _("已将 %(year)s 年度的截止日期改为 %(deadline)s。") % {
        "year": round_.year, "deadline": round_.deadline.isoformat()})
    if round_.is_open:
        _past_deadline_warning(request, round_)
    return redirect("rounds:round_list")


def round_status(request, code, year):
    """A district's reporting for a year: figures per plan, task progress per lead unit.

    Coordinators and admins (``reporting.approve``) and the leaders granted the district.
    """
    district = get_object_or_404(District, code=code)
    if year not in YEARS:
        raise Http404
    user = request.user
    may_read = user.has_perm("reporting.approve", district) or (
        user_role(user) == Role.LEADER and user.has_perm("plans.view_district", district))
    if not may_read:
        raise PermissionDenied("reporting.approve")
    status = round_status_data(district=district, year=year, today=timezone.localdate())
    return render(request, "reporting/round_status.html", {
        "district": district, "year": year, "status": status,
        "can_approve": user.has_perm("reporting.approve", district),
        "is_admin": user.has_perm("accounts.administer"),
    })
