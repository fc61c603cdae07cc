"""Session lifetimes: a session ends after SESSION_IDLE_SECONDS without a request and
SESSION_MAX_SECONDS after the login, whichever comes first.

The login time and the last request are kept in the session itself (the app keeps no state of
its own). The last-seen time is written at most once a minute, so an ordinary request costs
no extra write.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

LOGIN_AT = "ipops_login_at"
SEEN_AT = "ipops_seen_at"
SEEN_EVERY = 60


@receiver(user_logged_in, dispatch_uid="ipops_session_times")
def remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = request.session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request) -> None:
        session, now = request.session, int(time.time())
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT, login_at)
        if login_at is None:
            session[LOGIN_AT] = session[SEEN_AT] = now
        elif now - login_at > settings.SESSION_MAX_SECONDS or now - seen_at > settings.SESSION_IDLE_SECONDS:
            logout(request)  # LoginRequiredMiddleware then sends the visitor to the login page
            messages.info(request, _("登录已超时，请重新登录。"))
        elif now - seen_at >= SEEN_EVERY:
            session[SEEN_AT] = now
