"""URLs of the Excel round trip for figures (included in the indicators namespace)."""

from django.urls import path

from indicators import upload_views

urlpatterns = [
    path("districts/<slug:code>/plans/<int:plan_id>/entry/<int:year>/workbook.xlsx",
         upload_views.entry_workbook, name="entry_workbook"),
    path("districts/<slug:code>/plans/<int:plan_id>/entry/<int:year>/upload/",
         upload_views.entry_upload, name="entry_upload"),
    path("figure-uploads/<int:pk>/", upload_views.entry_upload_confirm,
         name="entry_upload_confirm"),
]
