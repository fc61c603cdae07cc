from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import translation


class LanguageMiddleware:
    """Simplified Chinese unless the user switched the language (kept in the language cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: the portal
    is Chinese for everyone by default, whatever the browser's own setting.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class MethodNotAllowedMiddleware:
    """A portal page for the empty 405 of ``require_POST`` and of class-based views.

    Opening a POST-only address (closing a round, flagging a figure, logging out) by typing it
    or following a link gives Django's empty HttpResponseNotAllowed, which a browser shows as
    its own "HTTP ERROR 405". This puts the portal's 405.html in its place, keeping the status
    and the Allow header. Any other response passes untouched after one comparison.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405:
            return response
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response  # a view's own 405 page, or a streaming one: leave it
        allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
        page = render(request, "405.html", {
            # Opened in the browser an address that only a form's button may send to.
            "form_only": request.method in ("GET", "HEAD") and "POST" in allowed,
        }, status=405)
        page["Allow"] = response["Allow"]
        return page
