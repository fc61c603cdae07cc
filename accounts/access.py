"""Checking rights in views: a 403 unless the user holds the permission (see accounts/rules.py).

Function views::

    district = district_or_403(request, code, "indicators.enter_figures")
    require_perm(request, "tasks.report_progress", task)

Class-based views::

    class FigureCreateView(RequirePermMixin, CreateView):
        permission_required = "indicators.enter_figures"

        def get_permission_object(self):
            return get_object_or_404(District, code=self.kwargs["code"])

The login itself is required for every page by LoginRequiredMiddleware; these helpers only
decide what a logged-in user may do.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from plans.models import District


def require_perm(request, perm: str, obj=None) -> None:
    """Raise PermissionDenied (a 403 page) unless the request's user has ``perm`` on ``obj``."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def district_or_403(request, code: str, perm: str) -> District:
    """The district with this code (404 if none), once the user is checked for ``perm`` on it."""
    district = get_object_or_404(District, code=code)
    require_perm(request, perm, district)
    return district


class RequirePermMixin:
    """Check ``permission_required`` on ``get_permission_object()`` before the view runs.

    ``get_permission_object`` may read ``self.kwargs``; whatever it returns is kept as
    ``self.permission_object`` for the rest of the view.
    """

    permission_required: str = ""

    def get_permission_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_required:
            raise AttributeError(f"{type(self).__name__} sets no permission_required")
        self.permission_object = self.get_permission_object()
        require_perm(request, self.permission_required, self.permission_object)
        return super().dispatch(request, *args, **kwargs)


def client_ip(request) -> str | None:
    """The client's address for login throttling.

    Behind a reverse proxy (TRUSTED_PROXY_COUNT = how many proxies append to X-Forwarded-For,
    e.g. 1 for one nginx), the address the nearest trusted proxy saw; else REMOTE_ADDR.
    Addresses a client put into the header itself are never trusted.
    """
    from django.conf import settings

    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if a.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
