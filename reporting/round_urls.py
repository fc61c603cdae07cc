from django.urls import path

from reporting import round_views

app_name = "rounds"
urlpatterns = [
    path("rounds/", round_views.round_list, name="round_list"),
    path("rounds/<int:pk>/close/", round_views.round_close, name="round_close"),
    path("rounds/<int:pk>/reopen/", round_views.round_reopen, name="round_reopen"),
    path("rounds/<int:pk>/deadline/", round_views.round_deadline, name="round_deadline"),
    path("districts/<slug:code>/rounds/<int:year>/", round_views.round_status,
         name="round_status"),
]
