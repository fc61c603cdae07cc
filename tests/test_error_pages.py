"""The portal's error pages: an expired form (CSRF failure, 403), a POST-only address opened in
the browser (405), a server error (500), and the message on the login page after logging out.

Each page is the portal's own, in Chinese and, with the language cookie, in English; 403 and
405 keep the header and the menu of a logged-in user.
"""

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import path, reverse

from ipops.middleware import MethodNotAllowedMiddleware
from reporting.models import ReportingRound
from tests.users import PASSWORD, make_user

CSRF_ZH = "页面已过期或来源无法验证，请返回、刷新页面后重新提交。"
CSRF_EN = ("The page has expired or its origin could not be verified. "
           "Go back, reload the page and submit again.")
FORM_ONLY_ZH = "此地址只接受表单提交，不能在浏览器中直接打开。"
FORM_ONLY_EN = "This address only takes form submissions and cannot be opened in the browser."
ERROR_ZH = "系统出现错误，请稍后再试；如果问题持续，请联系系统管理员。"
ERROR_EN = "Please try again later; if the problem persists, contact the system administrator."


@login_not_required
def boom(request):
    raise RuntimeError("a bug")


# The URLs of the 500 test (@pytest.mark.urls): only a view that fails.
urlpatterns = [path("boom/", boom)]


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_portal_page(content: str, username: str) -> None:
    """The portal's header with the menu of a logged-in user, and a way back home."""
    assert '<header class="topbar">' in content
    assert f'href="{reverse("accounts:my_account")}"' in content
    assert f'<span class="user">{username}</span>' in content
    assert f'action="{reverse("logout")}"' in content
    assert f'href="{reverse("plans:home")}"' in content


@pytest.fixture
def admin(db):
    return make_user("admin_portal", "admin", superuser=True)


@pytest.fixture
def open_round(db):
    return ReportingRound.objects.create(year=2023, deadline="2024-01-31")


# 403: a form that expired.

def expired_form_post(client: Client, round_: ReportingRound):
    """Open the rounds page, log out and in again (another tab), then send the old form."""
    page = client.get(reverse("rounds:round_list"))
    token = page.context["csrf_token"]
    client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    login = client.get(reverse("login"))
    client.post(reverse("login"), {"username": "admin_portal", "password": PASSWORD,
                                   "csrfmiddlewaretoken": login.context["csrf_token"]})
    return client.post(reverse("rounds:round_deadline", args=[round_.pk]),
                       {"deadline": "2024-02-29", "csrfmiddlewaretoken": token},
                       HTTP_REFERER="http://testserver" + reverse("rounds:round_list"))


def test_it_shows_a_portal_page_when_a_form_expired_after_a_new_login(admin, open_round):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = expired_form_post(client, open_round)
    assert response.status_code == 403
    content = response.content.decode()
    assert "<h1>页面已过期</h1>" in content and CSRF_ZH in content
    assert_portal_page(content, "admin_portal")
    assert f'<a href="http://testserver{reverse("rounds:round_list")}">返回上一页</a>' in content
    assert "CSRF" not in content and "DEBUG" not in content
    open_round.refresh_from_db()
    assert str(open_round.deadline) == "2024-01-31"  # nothing changed


def test_it_shows_the_expired_form_page_in_english(admin, open_round):
    client = english(Client(enforce_csrf_checks=True))
    client.force_login(admin)
    response = expired_form_post(client, open_round)
    assert response.status_code == 403
    content = response.content.decode()
    assert "<h1>Page expired</h1>" in content and CSRF_EN in content
    assert ">Back to the previous page</a>" in content and ">Back to home</a>" in content
    assert "页面已过期" not in content
    assert_portal_page(content, "admin_portal")


def test_it_offers_no_way_back_to_another_site(admin, open_round):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(reverse("rounds:round_close", args=[open_round.pk]),
                           HTTP_REFERER="https://elsewhere.example/form/")
    assert response.status_code == 403
    content = response.content.decode()
    assert CSRF_ZH in content and "elsewhere.example" not in content and "返回上一页" not in content


def test_it_shows_the_expired_form_page_without_a_menu_before_logging_in(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert response.status_code == 403
    content = response.content.decode()
    assert CSRF_ZH in content and '<header class="topbar">' in content
    assert f'action="{reverse("logout")}"' not in content


# 405: a POST-only address opened in the browser.

@pytest.mark.parametrize("name", ["rounds:round_close", "rounds:round_deadline"])
def test_it_explains_a_post_only_address_opened_in_the_browser(admin, open_round, client, name):
    client.force_login(admin)
    response = client.get(reverse(name, args=[open_round.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    content = response.content.decode()
    assert "<h1>无法直接打开此地址</h1>" in content and FORM_ONLY_ZH in content
    assert ">返回首页</a>" in content
    assert_portal_page(content, "admin_portal")


def test_it_explains_a_post_only_address_in_english(admin, open_round, client):
    client.force_login(admin)
    response = english(client).get(reverse("rounds:round_close", args=[open_round.pk]))
    assert response.status_code == 405 and response["Allow"] == "POST"
    content = response.content.decode()
    assert "<h1>This address cannot be opened directly</h1>" in content
    assert FORM_ONLY_EN in content and ">Back to home</a>" in content
    assert "无法直接打开此地址" not in content
    assert_portal_page(content, "admin_portal")


def test_it_explains_the_logout_address_opened_in_the_browser(client, db):
    reporter = make_user("reporter_binhai", "reporter", "binhai")
    client.force_login(reporter)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"POST", "OPTIONS"}
    content = response.content.decode()
    assert FORM_ONLY_ZH in content
    assert_portal_page(content, "reporter_binhai")
    assert client.get(reverse("plans:home")).status_code == 200  # still logged in


def test_it_says_which_request_a_get_only_page_refuses(admin, client):
    client.force_login(admin)
    response = client.post(reverse("accounts:my_account"))
    assert response.status_code == 405 and response["Allow"] == "GET"
    content = response.content.decode()
    assert "此地址不接受这种请求方式。" in content and FORM_ONLY_ZH not in content
    response = english(client).post(reverse("accounts:my_account"))
    assert "This address does not accept this kind of request." in response.content.decode()


def test_it_leaves_other_responses_alone():
    request = RequestFactory().get("/")
    ok = HttpResponse("ok")
    assert MethodNotAllowedMiddleware(lambda r: ok)(request) is ok
    own = HttpResponseNotAllowed(["POST"], content=b"a view's own page")
    assert MethodNotAllowedMiddleware(lambda r: own)(request) is own


# 500: a server error.

@pytest.mark.urls(__name__)
def test_it_shows_its_own_page_on_a_server_error(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "<h1>系统出现错误" in content and ERROR_ZH in content and ERROR_EN in content
    assert "Server Error (500)" not in content
    assert 'href="/static/css/ipops.css"' in content and '<header class="topbar">' in content
    assert "<script" not in content and "<style" not in content and "style=" not in content


def test_the_server_error_page_needs_no_request_and_no_database():
    """Django renders 500.html with no context at all (and no database is open here)."""
    content = loader.get_template("500.html").render()
    assert ERROR_ZH in content and ERROR_EN in content and 'href="/"' in content


# Logging out.

def test_it_says_so_on_the_login_page_after_logging_out(client, db):
    make_user("reporter_binhai", "reporter", "binhai")
    client.post(reverse("login"), {"username": "reporter_binhai", "password": PASSWORD})
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [(reverse("login"), 302)]
    content = response.content.decode()
    assert '<li class="info">您已退出登录。</li>' in content and "<h1>登录</h1>" in content
    assert "您已退出登录。" not in client.get(reverse("login")).content.decode()  # once only


def test_it_says_so_in_english_after_logging_out(client, db):
    reporter = make_user("reporter_binhai", "reporter", "binhai")
    client.force_login(reporter)
    response = english(client).post(reverse("logout"), follow=True)
    content = response.content.decode()
    assert '<li class="info">You have logged out.</li>' in content
    assert "您已退出登录" not in content


def test_it_says_nothing_when_nobody_was_logged_in(client, db):
    response = client.post(reverse("logout"), follow=True)
    assert "您已退出登录。" not in response.content.decode()


@pytest.mark.django_db
def test_logging_out_after_the_session_ended_goes_to_the_login_page(client):
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("logout")).status_code == 405  # not "log in to reach it"
