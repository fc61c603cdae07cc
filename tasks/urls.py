from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path("tasks/progress/", views.progress_home, name="progress_home"),
    path("districts/<slug:code>/tasks/progress/<int:year>/", views.progress_list,
         name="progress_list"),
    path("tasks/<int:task_id>/progress/<int:year>/", views.progress_entry, name="progress_entry"),
    path("tasks/<int:task_id>/contribute/<int:year>/", views.contribute, name="contribute"),
    path("tasks/progress/<int:pk>/", views.progress_detail, name="progress_detail"),
]
