from django.urls import path

from dashboards import views
from dashboards.indicator_urls import urlpatterns as indicator_patterns

app_name = "dashboards"
urlpatterns = [
    path("overview/", views.overview_view, name="overview"),
    path("districts/<slug:code>/dashboard/", views.district_view, name="district"),
    path("districts/<slug:code>/tasks/", views.task_board_view, name="tasks"),
    path("districts/<slug:code>/units/<int:unit_pk>/tasks/", views.task_board_view,
         name="unit_tasks"),
] + indicator_patterns
