"""The portal's people pages. ``person_create`` and ``person_update`` take a district code
for a district's coordinators and reporters; admins also use them without one."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.my_account, name="my_account"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_update, name="person_update"),
    path("districts/<slug:code>/people/", views.district_people, name="district_people"),
    path("districts/<slug:code>/people/new/", views.person_create, name="person_create"),
    path("districts/<slug:code>/people/<int:pk>/", views.person_update, name="person_update"),
    path("districts/<slug:code>/units/new/", views.unit_create, name="unit_create"),
    path("districts/<slug:code>/units/<int:pk>/", views.unit_update, name="unit_update"),
]
