"""URLs of the indicator page, the district comparison and the plan page (dashboards namespace)."""

from django.urls import path

from dashboards import indicator_views

urlpatterns = [
    path("indicators/<int:pk>/", indicator_views.indicator_view, name="indicator"),
    path("compare/<slug:concept>/", indicator_views.compare_view, name="compare"),
    path("plans/<int:pk>/", indicator_views.plan_view, name="plan"),
]
