from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("districts/<slug:code>/reports/indicators.xlsx", views.indicators_report,
         name="indicators"),
    path("districts/<slug:code>/reports/tasks.xlsx", views.tasks_report, name="tasks"),
    path("reports/summary.xlsx", views.summary_report, name="summary"),
]
