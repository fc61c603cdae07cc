"""Shared data for the report tests: approved figures and task progress written through the
review services, for 滨海 (2022–2024) and 保税区 (2021–2023)."""

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from indicators.models import Figure, Indicator, Target
from indicators.services import target_adjust
from reporting.services import EntryInput, entries_approve, entries_save, entries_submit
from tasks.models import Task, TaskProgress
from tests.users import make_user

INJECTION = '=HYPERLINK("http://example.com","点我")'


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def approve_figures(user, code, rows, is_sample=False):
    """``rows``: (number, year, values) of indicators of district ``code``, approved."""
    indicators = {i.number: i for i in Indicator.objects.filter(plan__district__code=code)}
    inputs = [EntryInput(key=(indicators[number].pk, year), version=0, values=values)
              for number, year, values in rows]
    saved = entries_save(model=Figure, key_fields=("indicator_id", "year"), inputs=inputs,
                         user=user, is_sample=is_sample)
    entries_submit(entries=saved, user=user)
    entries_approve(entries=Figure.objects.filter(pk__in=[f.pk for f in saved]), user=user)


def approve_progress(user, task, year, quarter=0, **values):
    values = {"status": "in_progress", "percent": 30, "narrative": f"{task.number} 进展",
              **values}
    existing = TaskProgress.objects.filter(task=task, year=year, quarter=quarter).first()
    saved = entries_save(model=TaskProgress, key_fields=("task_id", "year", "quarter"),
                         inputs=[EntryInput(key=(task.pk, year, quarter),
                                            version=existing.version if existing else 0,
                                            values=values)], user=user)
    entries_submit(entries=saved, user=user)
    entries_approve(entries=TaskProgress.objects.filter(pk__in=[e.pk for e in saved]), user=user)
    return TaskProgress.objects.get(pk=saved[0].pk)


def d(value):
    return Decimal(str(value))


@pytest.fixture
def coordinator(db):
    return make_user("report_admin", "admin", superuser=True)


@pytest.fixture
def binhai_data(coordinator):
    """滨海 figures for 2022 and 2023: a level indicator (7, the worked example) with a note
    that looks like a formula, a percentage (1), money (17), an adjusted target (2), a
    cumulative (T9), a growth rate linked to row 17 (T5) and a milestone (T4)."""
    approve_figures(coordinator, "binhai", [
        ("7", 2022, {"value": d(16000)}),
        ("7", 2023, {"value": d(21500), "note": INJECTION}),
        ("1", 2023, {"value": d("0.75")}),
        ("2", 2023, {"value": d("27.5")}),
        ("17", 2022, {"value": d(21)}),
        ("17", 2023, {"value": d("25.5")}),
        ("T9", 2022, {"value": d(40)}),
        ("T9", 2023, {"value": d(50)}),
        ("T4", 2023, {"done": True}),
    ])
    target = Target.objects.get(indicator__plan__district__code="binhai",
                                indicator__number="2", year=2024)
    target_adjust(target=target, value=d(32), reason="中期评估后上调", user=coordinator)


@pytest.fixture
def baoshui_data(coordinator):
    """保税区 figures: a cumulative (9 托管, 150 → 300, then 验收), a level (12 有效专利,
    then 完成) and a growth rate with its base-year quantity (1)."""
    approve_figures(coordinator, "baoshui", [
        ("9", 2021, {"value": d(150)}),
        ("9", 2022, {"value": d(140)}),
        ("9", 2023, {"value": d(20)}),
        ("12", 2022, {"value": d(13000)}),
        ("12", 2023, {"value": d(13500)}),
        ("1", 2020, {"value": d(100)}),
        ("1", 2022, {"value": d(150)}),
    ])


def binhai_task(number):
    return Task.objects.get(plan__district__code="binhai", number=number)


def load(content: bytes, **kwargs):
    return openpyxl.load_workbook(BytesIO(content), **kwargs)
