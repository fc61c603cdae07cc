"""Security: deploy checks, session lifetimes, CSP, CSRF and hostile text in every free-text field."""

import os
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.sessions import LOGIN_AT, SEEN_AT
from indicators.models import Figure, Indicator, Target
from plans.models import Plan, Unit
from reporting.choices import ReviewStatus
from tasks.models import Task, TaskContribution, TaskProgress
from tests.users import make_user

ROOT = Path(settings.BASE_DIR)
STRONG_KEY = "a-strong-key-for-the-deploy-check-" + "Zq7" * 12


def manage(*args, **env):
    """Run manage.py with the production settings and only the environment given."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SECURE_", "SECRET_KEY", "DEBUG", "DJANGO_"))}
    clean.update(DJANGO_SETTINGS_MODULE="ipops.settings", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_deploy_checks_pass_with_only_debug_key_and_hosts_set():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0",
                    SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="ipops.example.gov.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize("key", ["", "short-key", "django-insecure-" + "x" * 60])
def test_a_weak_or_missing_key_is_refused_without_debug(key):
    result = manage("check", DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a strong random value" in result.stderr


def test_local_runs_keep_plain_http():
    result = manage("shell", "-c", "from django.conf import settings as s; print("
                    "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
                    DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False False 0")


@pytest.fixture
def reporter(db):
    return make_user("sec_reporter", "reporter", "binhai", "区市场监管局（知识产权局）")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] = now - ago
    session.save()


@pytest.mark.django_db
def test_a_session_ends_after_the_idle_period(reporter):
    client = logged_in(reporter)
    assert client.get(reverse("plans:home")).status_code == 200
    age_session(client, seen=settings.SESSION_IDLE_SECONDS + 5, login=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get(reverse("plans:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("plans:home")).status_code == 302  # logged out for good


@pytest.mark.django_db
def test_a_session_ends_after_its_absolute_lifetime_even_when_busy(reporter):
    client = logged_in(reporter)
    age_session(client, login=settings.SESSION_MAX_SECONDS + 5, seen=10)
    response = client.get(reverse("plans:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_an_active_session_goes_on_and_records_when_it_was_seen(reporter):
    client = logged_in(reporter)
    age_session(client, seen=120, login=120)
    assert client.get(reverse("plans:home")).status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] < 5


@pytest.mark.django_db
def test_disabling_a_user_ends_their_sessions_at_once(reporter):
    client = logged_in(reporter)
    assert client.get(reverse("plans:home")).status_code == 200
    reporter.is_active = False
    reporter.save()
    response = client.get(reverse("plans:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(reporter):
    response = logged_in(reporter).get(reverse("plans:home"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'")  # and a nonce, once a page needs one
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert not re.search(r"https?://", policy), "no external origin"


TEMPLATES = ROOT / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            for match in pattern.finditer(text):
                if "nonce=" not in match.group(0):
                    found.append(f"{path.relative_to(ROOT)}: {match.group(0)[:60]}")
    assert found == []


def test_plotly_is_the_strict_build_served_from_static_files():
    bundle = ROOT / "static/vendor/plotly/plotly-strict.min.js"
    assert bundle.exists() and "strict" in bundle.read_text(encoding="utf-8")[:200]
    head = (TEMPLATES / "partials/charts_head.html").read_text(encoding="utf-8")
    assert "vendor/plotly/plotly-strict.min.js" in head and "http" not in head


@pytest.mark.django_db
def test_state_changes_need_the_csrf_token(reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    plan = Plan.objects.get(district__code="binhai")
    url = reverse("indicators:entry_grid", args=["binhai", plan.pk, 2023])
    indicator = Indicator.objects.get(plan=plan, number="7")
    response = client.post(url, {"action": "save", f"i{indicator.pk}-version": "0",
                                 f"i{indicator.pk}-value": "1"})
    assert response.status_code == 403
    assert not Figure.objects.exists()


def test_openpyxl_reads_xml_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


HOSTILE = """<script>alert('x')</script>"><img src=x onerror=alert(1)>=1+1"""


@pytest.mark.django_db
def test_hostile_text_in_every_free_text_field_renders_inert(reporter, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    coordinator = make_user("sec_coord", "coordinator", "binhai")
    leader = make_user("sec_leader", "leader", all_districts=True)
    plan = Plan.objects.get(district__code="binhai")
    indicator = Indicator.objects.get(plan=plan, number="8")
    figure = Figure.objects.create(
        indicator=indicator, year=2023, value=Decimal(100), note=HOSTILE, reason=HOSTILE,
        remedy=HOSTILE, change_reason=HOSTILE, return_reason=HOSTILE, flag_comment=HOSTILE,
        flagged=True, review_status=ReviewStatus.RETURNED, evidence_link="https://example.org/x",
        updated_by=reporter)
    Figure.objects.create(indicator=Indicator.objects.get(plan=plan, number="7"), year=2023,
                          value=Decimal(21500), note=HOSTILE, review_status=ReviewStatus.APPROVED)
    target = Target.objects.get(indicator=indicator, year=2024)
    target.adjustment_reason, target.original_value = HOSTILE, target.value
    target.save()
    task = Task.objects.get(plan=plan, number="（1）")
    progress = TaskProgress.objects.create(task=task, year=2023, status="delayed", percent=10,
                                           narrative=HOSTILE, reason=HOSTILE, remedy=HOSTILE,
                                           review_status=ReviewStatus.APPROVED)
    TaskContribution.objects.create(task=task, year=2023, unit=task.supporting_units.first(),
                                    note=HOSTILE)
    unit = Unit.objects.get(district=plan.district, name="区市场监管局（知识产权局）")
    reporter.first_name = HOSTILE[:30]
    reporter.save()
    pages = [
        (reporter, reverse("indicators:entry_grid", args=["binhai", plan.pk, 2023])),
        (reporter, reverse("indicators:figure_detail", args=[figure.pk])),
        (reporter, reverse("reporting:flags", args=["binhai"])),
        (reporter, reverse("tasks:progress_list", args=["binhai", 2023])),
        (reporter, reverse("tasks:progress_detail", args=[progress.pk])),
        (reporter, reverse("tasks:progress_entry", args=[task.pk, 2023])),
        (reporter, reverse("plans:home")),
        (coordinator, reverse("reporting:queue", args=["binhai"])),
        (coordinator, reverse("indicators:target_adjust", args=[target.pk])),
        (coordinator, reverse("accounts:district_people", args=["binhai"])),
        (leader, reverse("dashboards:overview")),
        (leader, reverse("dashboards:district", args=["binhai"]) + "?year=2023"),
        (leader, reverse("dashboards:tasks", args=["binhai"]) + "?year=2023"),
        (leader, reverse("dashboards:unit_tasks", args=["binhai", unit.pk]) + "?year=2023"),
        (leader, reverse("dashboards:indicator", args=[indicator.pk]) + "?year=2023"),
    ]
    for user, url in pages:
        response = logged_in(user).get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "<script>alert" not in content, url
        assert "<img src=x onerror" not in content, url
    # Every workbook writes the same text as text, never as a formula.
    from io import BytesIO

    import openpyxl

    for url in (reverse("reports:indicators", args=["binhai"]) + "?year=2023",
                reverse("reports:tasks", args=["binhai"]) + "?year=2023",
                reverse("indicators:entry_workbook", args=["binhai", plan.pk, 2023])):
        response = logged_in(coordinator).get(url)
        assert response.status_code == 200, url
        workbook = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)
                                                  if response.streaming else response.content))
        cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], url
        assert any(c.value == HOSTILE for c in cells), url


def test_throttling_counts_the_client_behind_a_proxy_not_the_proxy(settings, rf):
    from accounts.access import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3", REMOTE_ADDR="127.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.1.2.3"  # what our proxy saw; 6.6.6.6 may be forged
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
