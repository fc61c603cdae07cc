from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("districts/<slug:code>/review/", views.queue, name="queue"),
    path("districts/<slug:code>/flags/", views.flags, name="flags"),
    path("evidence/<slug:kind>/<int:pk>/", views.evidence, name="evidence"),
]
