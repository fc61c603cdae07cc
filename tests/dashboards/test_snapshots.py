"""The overview reads each district's summary from a snapshot; every way the data can change
makes that snapshot stale, so the overview always shows what the progress engine computes now."""

import json
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from dashboards.models import DistrictSnapshot
from dashboards.selectors import DistrictSummary, district_summary_data, for_cards, overview
from indicators.models import Figure, Indicator, Target
from indicators.services import KEY_FIELDS, target_adjust
from plans.demo import demo_seed
from plans.models import District, Unit
from reporting.choices import ReviewStatus
from reporting.services import EntryInput, entries_approve, entries_return, entries_save, \
    entries_submit
from tasks.models import Task, TaskProgress
from tasks.services import progress_save
from tests.dashboards.test_leader_pages import binhai_figures  # noqa: F401 (a fixture)
from tests.users import make_user

pytestmark = pytest.mark.django_db

YEAR = 2023


def shown(client, year=YEAR) -> DistrictSummary:
    """滨海's summary as the overview shows it."""
    response = client.get(reverse("dashboards:overview"), {"year": year} if year else {})
    return next(s for s in response.context["summaries"] if s.district.code == "binhai")


def computed(summary: DistrictSummary) -> DistrictSummary:
    """The same summary computed from the data now, without any snapshot."""
    data = district_summary_data({summary.district.pk: summary.year})[summary.district.pk]
    return DistrictSummary(summary.district, summary.year, json.loads(json.dumps(data)),
                           summary.plans)


@pytest.fixture
def client(binhai_figures, leader_all, client_for):  # noqa: F811
    client = client_for(leader_all)
    assert shown(client) == computed(shown(client))  # and the snapshots are now kept
    assert DistrictSnapshot.objects.filter(district__code="binhai", year=YEAR).exists()
    return client


@pytest.fixture
def coordinator():
    return make_user("coord_snap", "coordinator", "binhai")


def figure_input(number: str, value, version: int = 0) -> EntryInput:
    indicator = Indicator.objects.get(plan__district__code="binhai", number=number)
    return EntryInput(key=(indicator.pk, YEAR), version=version,
                      values={"value": Decimal(str(value))})


def test_the_overview_reads_the_snapshot_while_it_is_current(client):
    binhai = District.objects.get(code="binhai")
    snapshot = DistrictSnapshot.objects.get(district=binhai, year=YEAR)
    snapshot.data["units_missing"] = ["快照中的单位"]
    snapshot.save()
    assert shown(client).units_missing == ["快照中的单位"]
    District.objects.filter(pk=binhai.pk).mark_changed()
    assert "快照中的单位" not in shown(client).units_missing


def test_of_every_district_the_overview_reads_the_heat_map_and_counts_and_the_cards_the_rest(
        client):
    summaries, _heat = overview(districts=District.objects.all(), year=YEAR)
    binhai = next(s for s in summaries if s.district.code == "binhai")
    assert set(binhai.data) == {"heat", "attention"}
    assert binhai.attention == (len(computed(binhai).red), len(computed(binhai).late_tasks))
    for_cards([binhai])
    assert binhai == computed(binhai) and binhai.plans


def test_a_card_whose_snapshot_is_gone_meanwhile_is_computed(client):
    summaries, _heat = overview(districts=District.objects.all(), year=YEAR)
    binhai = next(s for s in summaries if s.district.code == "binhai")
    DistrictSnapshot.objects.filter(district=binhai.district).delete()
    for_cards([binhai])
    assert binhai == computed(binhai) and binhai.red


def test_figures_through_the_review_path_change_the_overview(client, coordinator):
    before = shown(client)
    saved = entries_save(model=Figure, key_fields=KEY_FIELDS, user=coordinator,
                         inputs=[figure_input("4", 99999), figure_input("5", 1)])
    assert shown(client) == computed(shown(client))
    entries_submit(entries=saved, user=coordinator)
    after_submit = shown(client)
    assert after_submit.figures.submitted == before.figures.submitted + 2
    entries_return(entries=[saved[1]], user=coordinator, reason="数据有误")
    assert shown(client).figures.submitted == before.figures.submitted + 1
    entries_approve(entries=[saved[0]], user=coordinator)
    after = shown(client)
    assert after == computed(after)
    assert after.figures.approved == before.figures.approved + 1
    assert after.figures.submitted == before.figures.submitted
    assert after.indicator_total == before.indicator_total
    assert after.statuses != before.statuses


def test_a_target_adjusted_or_edited_changes_the_overview(client, coordinator):
    before = shown(client)
    target = Target.objects.filter(indicator__plan__district__code="binhai",
                                   indicator__number="8").order_by("-year").first()
    target_adjust(target=target, value=Decimal(1), reason="口径调整", user=coordinator)
    after = shown(client)
    assert after == computed(after) and after.statuses != before.statuses
    Target.objects.filter(pk=target.pk).update(value=target.value)  # a bulk change: no signal
    District.objects.filter(code="binhai").mark_changed()
    assert shown(client) == before
    target.refresh_from_db()
    target.value = Decimal(1)
    target.save()  # a single save (the admin's, a script's) marks the district itself
    assert shown(client) == after


def test_task_progress_and_unit_names_change_the_overview(client, coordinator):
    task = Task.objects.rows().filter(plan__district__code="binhai", lead_unit__isnull=False).first()
    reporter = make_user("reporter_snap", "reporter", "binhai", task.lead_unit.name)
    saved = progress_save(task=task, year=YEAR, quarter=0, version=0, user=reporter, submit=True,
                          values={"status": "delayed", "percent": 10, "narrative": "推进中",
                                  "reason": "资金未到位", "remedy": "追加预算"})
    assert task.lead_unit.name in shown(client).units_reported
    entries_approve(entries=[saved.entry], user=coordinator)
    after = shown(client)
    assert after == computed(after) and [t.pk for t in after.late_tasks] == [task.pk]
    Unit.objects.filter(pk=task.lead_unit_id).update(name="更名前")
    unit = Unit.objects.get(pk=task.lead_unit_id)
    unit.name = "区知识产权局（更名）"
    unit.save()
    assert shown(client).late_tasks[0].lead_unit_name == "区知识产权局（更名）"


def test_the_latest_year_follows_approved_figures(client, coordinator):
    assert shown(client, year=None).year == YEAR
    saved = entries_save(model=Figure, key_fields=KEY_FIELDS, user=coordinator, inputs=[
        EntryInput(key=(Indicator.objects.get(plan__district__code="binhai", number="7").pk,
                        YEAR + 1), version=0, values={"value": Decimal(23000)})])
    entries_submit(entries=saved, user=coordinator)
    assert shown(client, year=None).year == YEAR  # submitted only
    entries_approve(entries=saved, user=coordinator)
    latest = shown(client, year=None)
    assert latest.year == YEAR + 1 and latest == computed(latest)


def test_another_band_is_computed_again(client):
    with override_settings(PROGRESS_BAND=0.5):
        wide = shown(client)
        assert wide == computed(wide)
        assert wide.statuses["behind"] < shown_default_behind(client)
    assert shown(client) == computed(shown(client))


def shown_default_behind(client) -> int:
    with override_settings(PROGRESS_BAND=0.15):
        return shown(client).statuses["behind"]


def test_demo_data_marks_its_districts(client, settings, tmp_path):
    settings.LOCAL_LOGIN_FILE = tmp_path / "local-login.txt"
    before = shown(client)
    demo_seed()
    after = shown(client)
    assert after == computed(after) and after.statuses != before.statuses
