"""manage.py seed_demo: demo accounts and sample data for newcomers, repeatable and removable."""

import time
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from accounts.choices import Role
from indicators.models import Figure, Indicator
from indicators.progress import Status, judged_kind
from indicators.selectors import indicator_spec, indicators_progress
from plans.demo import ROUND_NOTE, logins_read
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from tasks.choices import ProgressStatus
from tasks.models import Task, TaskProgress

pytestmark = pytest.mark.django_db
CODES = ["baoshui", "binhai", "chaoyang", "hongqiao", "wuqing"]


@pytest.fixture(autouse=True)
def local(settings, tmp_path):
    settings.DEBUG = True
    settings.LOCAL_LOGIN_FILE = tmp_path / "local-login.txt"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.LOCAL_LOGIN_FILE


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def latest_year(plan) -> int:
    return min(plan.end_year, 2025)


def snapshot():
    figures = sorted(
        (f.indicator.plan.district.code, f.indicator.number, f.year, str(f.value), f.done,
         f.review_status, f.submitted_late, f.return_reason, f.reason)
        for f in Figure.objects.select_related("indicator__plan__district")
    )
    progress = sorted(
        (p.task.plan.district.code, p.task.position, p.year, p.quarter, p.status, p.percent,
         p.narrative, p.review_status, p.reason, p.remedy)
        for p in TaskProgress.objects.select_related("task__plan__district")
    )
    return figures, progress


def counts():
    User = get_user_model()
    return {
        "figures": Figure.objects.count(), "progress": TaskProgress.objects.count(),
        "rounds": ReportingRound.objects.count(), "users": User.objects.count(),
        "figure_history": Figure.history.count(), "progress_history": TaskProgress.history.count(),
        "indicators": Indicator.objects.count(), "tasks": Task.objects.count(),
        "plans": Plan.objects.count(), "units": Unit.objects.count(),
    }


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert not Figure.objects.exists()


def test_it_creates_the_demo_accounts_with_their_roles(local):
    output = seed()
    User = get_user_model()
    admin = User.objects.get(username="demo_admin")
    assert admin.is_superuser and admin.is_staff
    leader = User.objects.get(username="demo_leader")
    assert leader.profile.role == Role.LEADER and leader.profile.all_districts
    for code in CODES:
        coordinator = User.objects.get(username=f"demo_coordinator_{code}")
        assert (coordinator.profile.role, coordinator.profile.district.code) == (Role.COORDINATOR, code)
        reporter = User.objects.get(username=f"demo_reporter_{code}")
        assert (reporter.profile.role, reporter.profile.district.code) == (Role.REPORTER, code)
        most = (Task.objects.rows().filter(plan__district__code=code, lead_unit__isnull=False)
                .values("lead_unit__name").annotate(n=Count("pk")).order_by("-n").first())
        assert reporter.profile.unit.name == most["lead_unit__name"]
        reporter.profile.full_clean()
        assert f"demo_reporter_{code}" in output
    assert User.objects.get(username="demo_reporter_binhai").profile.unit.name == "区市场监管局（知识产权局）"


def test_it_keeps_the_passwords_in_the_shared_login_file(local):
    local.write_text("admin:keep-this-one\n", encoding="utf-8")
    output = seed()
    logins = logins_read(local)
    assert logins["admin"] == "keep-this-one"
    User = get_user_model()
    assert len(logins) == 1 + 2 + 2 * len(CODES)
    for username, password in logins.items():
        if username != "admin":
            assert User.objects.get(username=username).check_password(password)
            assert f"{username}" in output and password in output
    assert oct(local.stat().st_mode & 0o777) == "0o600"


def test_it_keeps_working_passwords_and_renews_broken_ones(local):
    seed()
    first = logins_read(local)
    user = get_user_model().objects.get(username="demo_reporter_binhai")
    user.set_password("changed-elsewhere-123")
    user.save()
    seed()
    second = logins_read(local)
    assert second["demo_admin"] == first["demo_admin"]
    assert second["demo_reporter_binhai"] != first["demo_reporter_binhai"]
    user.refresh_from_db()
    assert user.check_password(second["demo_reporter_binhai"])


def test_ensure_local_login_shares_the_file(local):
    seed()
    demo = logins_read(local)
    out = StringIO()
    call_command("ensure_local_login", stdout=out)
    logins = logins_read(local)
    assert {k: v for k, v in logins.items() if k != "admin"} == demo
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(logins["admin"])
    call_command("ensure_local_login", stdout=StringIO())  # again: the same password
    assert logins_read(local)["admin"] == logins["admin"]
    seed()
    assert logins_read(local)["admin"] == logins["admin"]


def test_every_status_appears_in_the_latest_year():
    seed()
    statuses = Counter()
    for plan in Plan.objects.all():
        statuses.update(row.progress.status for row in indicators_progress(year=latest_year(plan), plan=plan))
    assert set(statuses) == set(Status)
    for status in Status:
        assert statuses[status] >= 2, statuses


def test_it_adds_figures_for_every_plan_year_up_to_2025():
    seed()
    figures = {(f.indicator_id, f.year): f for f in Figure.objects.all()}
    assert all(f.is_sample for f in figures.values())
    for plan in Plan.objects.all():
        years = range(plan.start_year, latest_year(plan) + 1)
        for indicator in plan.indicators.filter(quantity_indicator__isnull=True).prefetch_related("targets"):
            earlier = [y for y in years if y < latest_year(plan)]
            assert all((indicator.pk, y) in figures for y in earlier), indicator
            assert not any(y > 2025 or y > plan.end_year for (pk, y) in figures if pk == indicator.pk)
            kind = judged_kind(indicator.kind, indicator_spec(indicator, indicator.targets.all()).targets)
            for year in earlier:
                figure = figures[(indicator.pk, year)]
                assert figure.review_status == ReviewStatus.APPROVED
                if kind == "milestone":
                    assert figure.done is not None and figure.value is None
                else:
                    assert figure.value is not None and figure.value >= 0
    hongqiao = Plan.objects.get(district__code="hongqiao")
    assert sorted({y for (pk, y), f in figures.items() if f.indicator.plan_id == hongqiao.pk}) == [
        2021, 2022, 2023, 2024, 2025]
    # Growth indicators without a base value get the base year's quantity (朝阳: 2020).
    growth = Indicator.objects.get(plan__district__code="chaoyang", number="T4")
    assert (growth.pk, 2020) in figures
    # A linked growth rate has no figures of its own.
    linked = Indicator.objects.get(plan__district__code="binhai", number="T5")
    assert not any(pk == linked.pk for pk, _y in figures)


def test_milestones_and_cumulative_indicators_look_right():
    seed()
    done = Counter(Figure.objects.filter(indicator__kind="milestone").values_list("done", flat=True))
    assert done[True] and done[False]
    cumulative = Indicator.objects.get(plan__district__code="binhai", number="T11")  # 培训 5000 人次
    increments = list(cumulative.figures.order_by("year").values_list("value", flat=True))
    assert len(increments) >= 2 and all(v < 5000 for v in increments)  # yearly increments


def test_the_latest_year_has_gaps_and_work_for_the_queue():
    seed()
    for plan in Plan.objects.all():
        year = latest_year(plan)
        own = plan.indicators.filter(quantity_indicator__isnull=True).count()
        latest = Counter(Figure.objects.filter(indicator__plan=plan, year=year)
                         .values_list("review_status", flat=True))
        assert latest[ReviewStatus.SUBMITTED] >= 1 and latest[ReviewStatus.RETURNED] >= 1, plan
        assert sum(latest.values()) < own  # a few left out (no_data)
        returned = Figure.objects.filter(indicator__plan=plan, year=year,
                                         review_status=ReviewStatus.RETURNED)
        assert all(f.return_reason for f in returned)
        flagged = Figure.objects.get(indicator__plan=plan, flagged=True)
        assert flagged.year == year and flagged.flag_comment and flagged.flagged_by


def test_it_adds_task_progress_for_every_row_and_year():
    seed()
    for plan in Plan.objects.all():
        rows = Task.objects.rows().filter(plan=plan).count()
        years = latest_year(plan) - plan.start_year + 1
        assert TaskProgress.objects.filter(task__plan=plan, quarter=0).count() == rows * years
    statuses = Counter(TaskProgress.objects.values_list("status", flat=True))
    assert set(statuses) == set(ProgressStatus.values)
    delayed = TaskProgress.objects.filter(status=ProgressStatus.DELAYED)
    assert all(p.reason and p.remedy for p in delayed)
    assert TaskProgress.objects.filter(review_status=ReviewStatus.SUBMITTED).exists()
    assert TaskProgress.objects.filter(submitted_late=True).exists()
    assert not TaskProgress.objects.filter(is_sample=False).exists()


def test_it_opens_the_2025_round():
    seed()
    current = ReportingRound.objects.get(year=2025)
    assert current.is_open and current.deadline.isoformat() == "2026-01-31"
    assert not ReportingRound.objects.filter(is_open=True).exclude(year=2025).exists()


def test_every_entry_has_history():
    seed()
    assert Figure.history.count() == Figure.objects.count()
    assert TaskProgress.history.count() == TaskProgress.objects.count()
    record = Figure.history.filter(review_status=ReviewStatus.APPROVED).first()
    assert record.history_user.username.startswith("demo_coordinator_")


def test_running_it_twice_changes_nothing():
    seed()
    before, values = counts(), snapshot()
    output = seed()
    assert counts() == before
    assert snapshot() == values
    assert "新增实际值 0 条，任务进展 0 条，填报轮次 0 个" in output


def test_it_gives_the_same_values_after_clearing():
    seed()
    values = snapshot()
    seed("--clear")
    seed()
    assert snapshot() == values


def test_it_does_not_touch_what_users_entered():
    indicator = Indicator.objects.get(plan__district__code="binhai", number="7")
    real = Figure.objects.create(indicator=indicator, year=2023, value=21500,
                                 review_status=ReviewStatus.APPROVED)
    ReportingRound.objects.create(year=2024, deadline="2025-02-28", is_open=False)
    seed()
    real.refresh_from_db()
    assert not real.is_sample and real.value == 21500
    assert ReportingRound.objects.get(year=2024).deadline.isoformat() == "2025-02-28"


def test_clear_removes_the_sample_data_and_accounts_and_nothing_else(local):
    local.write_text("admin:keep-this-one\n", encoding="utf-8")
    User = get_user_model()
    someone = User.objects.create_user("someone", password="x-9-long-password")
    indicator = Indicator.objects.get(plan__district__code="binhai", number="7")
    real = Figure.objects.create(indicator=indicator, year=2019, value=12000,
                                 review_status=ReviewStatus.APPROVED, created_by=someone)
    real_round = ReportingRound.objects.create(year=2030, deadline="2031-01-31", is_open=True)
    plans_before = counts()
    seed()
    output = seed("--clear")
    after = counts()
    for key in ("indicators", "tasks", "plans", "units"):
        assert after[key] == plans_before[key]
    assert list(Figure.objects.all()) == [real]
    assert not TaskProgress.objects.exists()
    assert list(ReportingRound.objects.all()) == [real_round]
    assert not User.objects.filter(username__startswith="demo_").exists()
    assert User.objects.filter(username="someone").exists()
    assert not Figure.history.filter(is_sample=True).exists()
    assert District.objects.count() == len(CODES)
    assert logins_read(local) == {"admin": "keep-this-one"}
    assert "示例账号 12 个" in output
    assert not ReportingRound.objects.filter(note=ROUND_NOTE).exists()


def test_it_is_fast():
    started = time.monotonic()
    seed()
    assert time.monotonic() - started < 20
