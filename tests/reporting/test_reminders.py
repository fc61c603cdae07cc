"""manage.py send_reminders: one mail per reporter with open items and per coordinator with
approvals waiting (Django's locmem backend keeps them in mail.outbox)."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Figure, Indicator
from plans.models import Plan
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from tests.users import make_user

pytestmark = pytest.mark.django_db

MAIN_UNIT = "区市场监管局（知识产权局）"


@pytest.fixture(autouse=True)
def portal(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_URL = "https://ipops.example.gov.cn"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def round_2024():
    return ReportingRound.objects.create(year=2024, deadline=datetime.date(2025, 1, 31), is_open=True)


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def with_email(user, address):
    user.email = address
    user.save()
    return user


def test_it_mails_a_reporter_their_items_with_absolute_links(reporter_binhai, round_2024):
    with_email(reporter_binhai, "rep@example.com")
    output = run("--today", "2025-01-20")
    [message] = mail.outbox
    assert message.to == ["rep@example.com"]
    assert "待办" in message.subject
    plan_id = Plan.objects.get(district__code="binhai").pk
    assert "填报 2024 年度指标数据" in message.body
    assert "剩余 11 天，截止 2025-01-31" in message.body
    assert ("https://ipops.example.gov.cn"
            + reverse("indicators:entry_grid", args=["binhai", plan_id, 2024])) in message.body
    assert "https://ipops.example.gov.cn" + reverse("tasks:progress_list", args=["binhai", 2024]) in message.body
    assert "已发送提醒邮件 1 封" in output


def test_it_says_overdue_in_the_subject(reporter_binhai, round_2024):
    with_email(reporter_binhai, "rep@example.com")
    run("--today", "2025-02-10")
    [message] = mail.outbox
    assert "已逾期" in message.subject and "已逾期 10 天" in message.body


def test_it_skips_users_without_an_address_and_says_so(reporter_binhai, round_2024):
    output = run("--today", "2025-01-20")
    assert mail.outbox == []
    assert "跳过 1 位没有邮箱地址的用户：reporter_binhai" in output


def test_it_mails_coordinators_only_with_approvals_waiting(coordinator_binhai, coordinator_wuqing,
                                                          round_2024):
    with_email(coordinator_binhai, "cb@example.com")
    with_email(coordinator_wuqing, "cw@example.com")
    indicator = Indicator.objects.filter(plan__district__code="binhai").first()
    Figure.objects.create(indicator=indicator, year=2024, value=1, review_status=ReviewStatus.SUBMITTED)
    run("--today", "2025-01-20")
    [message] = mail.outbox
    assert message.to == ["cb@example.com"]
    assert "审核 2024 年度提交的数据" in message.body
    assert "https://ipops.example.gov.cn" + reverse("reporting:queue", args=["binhai"]) in message.body


def test_it_leaves_out_leaders_admins_inactive_users_and_people_with_nothing_to_do(
        leader_all, admin_user_portal, reporter_wuqing, round_2024):
    with_email(leader_all, "l@example.com")
    with_email(admin_user_portal, "a@example.com")
    with_email(reporter_wuqing, "w@example.com")  # 武清's plan does not cover 2024: nothing to do
    inactive = with_email(make_user("gone", "reporter", "binhai", MAIN_UNIT), "gone@example.com")
    inactive.is_active = False
    inactive.save()
    output = run("--today", "2025-01-20")
    assert mail.outbox == []
    assert "已发送提醒邮件 0 封" in output


def test_a_dry_run_sends_nothing(reporter_binhai, round_2024):
    with_email(reporter_binhai, "rep@example.com")
    output = run("--dry-run", "--today", "2025-01-20")
    assert mail.outbox == []
    assert "收件人 reporter_binhai <rep@example.com>" in output
    assert "将发送提醒邮件 1 封" in output


def test_running_it_twice_sends_the_same_mails(reporter_binhai, round_2024):
    with_email(reporter_binhai, "rep@example.com")
    run("--today", "2025-01-20")
    run("--today", "2025-01-20")
    first, second = mail.outbox
    assert (first.subject, first.body, first.to) == (second.subject, second.body, second.to)


def test_it_exits_with_an_error_when_a_mail_fails(reporter_binhai, round_2024, settings):
    from django.core.management.base import CommandError

    with_email(reporter_binhai, "rep@example.com")
    settings.EMAIL_BACKEND = "tests.reporting.test_reminders.FailingBackend"
    with pytest.raises(CommandError, match="1 封邮件发送失败"):
        run("--today", "2025-01-20")


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        raise OSError("SMTP 服务器无响应")
