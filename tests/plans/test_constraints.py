"""The database itself rejects duplicates and impossible values."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Figure, Indicator, Target
from plans.models import Plan, Unit
from tasks.models import Task, TaskProgress

pytestmark = pytest.mark.django_db


def rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def indicator():
    return Indicator.objects.get(plan__district__code="binhai", number="7")


def test_one_indicator_per_number_in_a_plan(indicator):
    rejected(lambda: Indicator.objects.create(plan=indicator.plan, number="7", name="重复",
                                              kind="level"))


def test_the_same_number_is_allowed_in_another_plan(indicator):
    other = Plan.objects.get(district__code="wuqing")
    Indicator.objects.create(plan=other, number="7", name="另一方案的第7项", kind="level")


def test_one_target_per_indicator_and_year(indicator):
    rejected(lambda: Target.objects.create(indicator=indicator, year=2024, value=1))


def test_a_range_must_be_ordered(indicator):
    rejected(lambda: Target.objects.create(indicator=indicator, year=2023, comparator="between",
                                           low=Decimal(5), high=Decimal(3)))


def test_one_figure_per_indicator_and_year(indicator):
    Figure.objects.create(indicator=indicator, year=2022, value=14000)
    rejected(lambda: Figure.objects.create(indicator=indicator, year=2022, value=15000))


def test_task_numbers_are_unique_under_one_parent():
    task = Task.objects.get(plan__district__code="binhai", number="（53）")
    rejected(lambda: Task.objects.create(plan=task.plan, parent=task.parent, number="（53）",
                                         text="重复"))


def test_top_level_task_numbers_are_unique_in_a_plan():
    group = Task.objects.filter(plan__district__code="binhai", parent__isnull=True).first()
    rejected(lambda: Task.objects.create(plan=group.plan, number=group.number, text="重复"))


def test_one_progress_entry_per_task_and_period():
    task = Task.objects.get(plan__district__code="binhai", number="（53）")
    TaskProgress.objects.create(task=task, year=2023, quarter=2)
    TaskProgress.objects.create(task=task, year=2023, quarter=3)
    rejected(lambda: TaskProgress.objects.create(task=task, year=2023, quarter=2))
    rejected(lambda: TaskProgress.objects.create(task=task, year=2024, percent=120))
    rejected(lambda: TaskProgress.objects.create(task=task, year=2025, review_status="done"))


def test_a_figure_has_a_known_review_status(indicator):
    rejected(lambda: Figure.objects.create(indicator=indicator, year=2023, review_status="done"))


def test_unit_names_are_unique_in_a_district():
    unit = Unit.objects.filter(district__code="binhai").first()
    rejected(lambda: Unit.objects.create(district=unit.district, name=unit.name))
