"""The portal's own error pages that Django lets a project replace by a view.

404 and 403 are templates (404.html, 403.html) that Django renders with the request; 500.html
is rendered without one; the 405 page is made by ``ipops.middleware.MethodNotAllowedMiddleware``.
"""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a portal page (header and menu) instead of Django's bare one.

    It happens when a form was opened before logging out and in again (in another tab), or
    when the browser refuses cookies. ``reason`` is for developers: Django logs it already
    (the ``django.security.csrf`` logger), so the page does not show it.
    """
    referer = request.META.get("HTTP_REFERER", "")
    back = referer if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) else ""
    return render(request, "403_csrf.html", {"back_url": back}, status=403)
