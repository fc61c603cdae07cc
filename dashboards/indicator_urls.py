"""URLs of the indicator page, the district comparison and the plan page (dashboards namespace)."""

urlpatterns = []
