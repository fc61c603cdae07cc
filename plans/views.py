from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.choices import Role
from accounts.selectors import user_role, visible_districts
from plans.selectors import districts_with_plans
from reporting.todo import todo_for


@login_required
def home(request):
    """The user's to-do list, then the districts they may see with their plans."""
    districts = districts_with_plans().filter(pk__in=visible_districts(request.user))
    return render(request, "plans/home.html", {
        "districts": districts,
        "todo": todo_for(request.user, timezone.localdate()),
    })


def start(request):
    """Where a login lands: leaders on the overview, everyone else on their to-do list."""
    if user_role(request.user) == Role.LEADER:
        return redirect("dashboards:overview")
    return redirect("plans:home")
