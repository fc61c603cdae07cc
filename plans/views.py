from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from plans.selectors import districts_with_plans


@login_required
def home(request):
    return render(request, "plans/home.html", {"districts": districts_with_plans()})
