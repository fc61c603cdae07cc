from django.urls import path

from indicators import views
from indicators.upload_urls import urlpatterns as upload_patterns

app_name = "indicators"
urlpatterns = [
    path("districts/<slug:code>/entry/", views.entry_index, name="entry_index"),
    path("districts/<slug:code>/plans/<int:plan_id>/entry/<int:year>/", views.entry_grid,
         name="entry_grid"),
    path("indicators/<int:pk>/preview/<int:year>/", views.entry_preview, name="entry_preview"),
    path("figures/<int:pk>/", views.figure_detail, name="figure_detail"),
    path("figures/<int:pk>/flag/", views.figure_flag, name="figure_flag"),
    path("figures/<int:pk>/unflag/", views.figure_unflag, name="figure_unflag"),
    path("targets/<int:pk>/adjust/", views.target_adjust_view, name="target_adjust"),
]
urlpatterns += upload_patterns  # the Excel round trip (indicators/upload_urls.py)
