"""Log in, log out and change password, under the plain names Django's auth views expect
(``login``, ``logout``, ``password_change``, ``password_change_done``)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from accounts.views import LoginView, LogoutView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),  # keeps the previous login's time
    # with a message; open to a visitor whose session has already ended, who is then simply
    # sent to the login page (not asked to log in only to reach a POST-only address)
    path("logout/", login_not_required(LogoutView.as_view()), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]
