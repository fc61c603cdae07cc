"""Log in, log out and change password, under the plain names Django's auth views expect
(``login``, ``logout``, ``password_change``, ``password_change_done``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import LoginView, LogoutView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),  # keeps the previous login's time
    path("logout/", LogoutView.as_view(), name="logout"),  # with a message
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]
