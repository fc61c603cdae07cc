"""Who may open which page: every URL pattern of the portal against every role and a user of
another district, with the expected answer (200, 302 to the login page, 403, or 405 for a
POST-only action opened with GET).

A URL pattern without a row in ``TABLE`` fails ``test_every_url_pattern_has_a_row``, so a new
page cannot be added without deciding who may open it. State changes are tried with POST too
(``ACTIONS``): a user without the right gets 403 and nothing changes.
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.models import Figure, Indicator, Target
from indicators.uploads import FigureUpload
from plans.models import Plan, Unit
from reporting.models import ReportingRound
from tasks.models import Task, TaskProgress
from tests.users import make_user

pytestmark = pytest.mark.django_db

LEAD = "区市场监管局（知识产权局）"
ROLES = ["anonymous", "admin", "coordinator", "reporter", "reporter_other_unit",
         "reporter_supporting", "leader_binhai", "leader_all", "reporter_wuqing",
         "coordinator_wuqing"]

# Shorthands for the rows below: who gets 200; everyone else logged in gets 403.
EVERYONE = set(ROLES) - {"anonymous"}
BINHAI_VIEW = {"admin", "coordinator", "reporter", "reporter_other_unit", "reporter_supporting",
               "leader_binhai", "leader_all"}
BINHAI_ENTER = {"admin", "coordinator", "reporter", "reporter_other_unit", "reporter_supporting"}
BINHAI_APPROVE = {"admin", "coordinator"}
ADMIN = {"admin"}


def expect(allowed: set, ok: int = 200, denied: int = 403, anonymous: int = 302) -> dict:
    return {role: anonymous if role == "anonymous" else ok if role in allowed else denied
            for role in ROLES}


# name → (how to build its URL from the world, expected status per role on GET)
TABLE = {
    "plans:home": (lambda w: reverse("plans:home"), expect(EVERYONE)),
    "plans:start": (lambda w: reverse("plans:start"), expect(set(), denied=302)),
    "dashboards:overview": (lambda w: reverse("dashboards:overview"), expect(EVERYONE)),
    "dashboards:district": (lambda w: reverse("dashboards:district", args=["binhai"]),
                            expect(BINHAI_VIEW)),
    "dashboards:tasks": (lambda w: reverse("dashboards:tasks", args=["binhai"]),
                         expect(BINHAI_VIEW)),
    "dashboards:unit_tasks": (lambda w: reverse("dashboards:unit_tasks", args=[
        "binhai", w["unit"].pk]), expect(BINHAI_VIEW)),
    "dashboards:indicator": (lambda w: reverse("dashboards:indicator", args=[
        w["indicator"].pk]), expect(BINHAI_VIEW)),
    # every logged-in user: the table holds only the districts the user may view
    "dashboards:compare": (lambda w: reverse("dashboards:compare", args=[
        "valid_invention_patents"]), expect(EVERYONE)),
    "dashboards:plan": (lambda w: reverse("dashboards:plan", args=[w["plan"].pk]),
                        expect(BINHAI_VIEW)),
    "indicators:entry_index": (lambda w: reverse("indicators:entry_index", args=["binhai"]),
                               expect(BINHAI_ENTER)),
    "indicators:entry_grid": (lambda w: reverse("indicators:entry_grid", args=[
        "binhai", w["plan"].pk, 2023]), expect(BINHAI_ENTER)),
    "indicators:entry_preview": (lambda w: reverse("indicators:entry_preview", args=[
        w["indicator"].pk, 2023]), expect(BINHAI_ENTER)),
    "indicators:figure_detail": (lambda w: reverse("indicators:figure_detail", args=[
        w["figure"].pk]), expect(BINHAI_VIEW)),
    "indicators:figure_flag": (lambda w: reverse("indicators:figure_flag", args=[
        w["figure"].pk]), expect(set(), denied=405)),
    "indicators:figure_unflag": (lambda w: reverse("indicators:figure_unflag", args=[
        w["figure"].pk]), expect(set(), denied=405)),
    "indicators:target_adjust": (lambda w: reverse("indicators:target_adjust", args=[
        w["target"].pk]), expect(BINHAI_APPROVE)),
    "indicators:entry_workbook": (lambda w: reverse("indicators:entry_workbook", args=[
        "binhai", w["plan"].pk, 2023]), expect(BINHAI_ENTER)),
    "indicators:entry_upload": (lambda w: reverse("indicators:entry_upload", args=[
        "binhai", w["plan"].pk, 2023]), expect(BINHAI_ENTER)),
    "indicators:entry_upload_confirm": (lambda w: reverse("indicators:entry_upload_confirm",
                                                          args=[w["upload"].pk]),
                                        expect({"admin", "coordinator", "reporter"})),
    "tasks:progress_home": (lambda w: reverse("tasks:progress_home"),
                            # one district: straight to its list; several: a choice
                            expect({"admin", "leader_all"}, denied=302)),
    "tasks:progress_list": (lambda w: reverse("tasks:progress_list", args=["binhai", 2023]),
                            expect(BINHAI_VIEW)),
    "tasks:progress_entry": (lambda w: reverse("tasks:progress_entry", args=[
        w["task"].pk, 2023]), expect({"admin", "coordinator", "reporter"})),
    "tasks:contribute": (lambda w: reverse("tasks:contribute", args=[w["task"].pk, 2023]),
                         expect({"reporter_supporting"})),
    "tasks:progress_detail": (lambda w: reverse("tasks:progress_detail", args=[
        w["progress"].pk]), expect(BINHAI_VIEW)),
    "reporting:queue": (lambda w: reverse("reporting:queue", args=["binhai"]),
                        expect(BINHAI_APPROVE)),
    "reporting:flags": (lambda w: reverse("reporting:flags", args=["binhai"]),
                        expect(BINHAI_VIEW)),
    "reporting:evidence": (lambda w: reverse("reporting:evidence", args=[
        "figure", w["figure"].pk]), expect(BINHAI_VIEW)),
    "rounds:round_list": (lambda w: reverse("rounds:round_list"), expect(ADMIN)),
    "rounds:round_close": (lambda w: reverse("rounds:round_close", args=[w["round"].pk]),
                           expect(set(), denied=405)),
    "rounds:round_reopen": (lambda w: reverse("rounds:round_reopen", args=[w["round"].pk]),
                            expect(set(), denied=405)),
    "rounds:round_deadline": (lambda w: reverse("rounds:round_deadline", args=[w["round"].pk]),
                              expect(set(), denied=405)),
    "rounds:round_status": (lambda w: reverse("rounds:round_status", args=["binhai", 2023]),
                            expect(BINHAI_APPROVE | {"leader_binhai", "leader_all"})),
    "login": (lambda w: reverse("login"), expect(set(), denied=302, anonymous=200)),
    "logout": (lambda w: reverse("logout"), expect(set(), denied=405, anonymous=405)),
    "password_change": (lambda w: reverse("password_change"), expect(EVERYONE)),
    "password_change_done": (lambda w: reverse("password_change_done"), expect(EVERYONE)),
    "accounts:my_account": (lambda w: reverse("accounts:my_account"), expect(EVERYONE)),
    "accounts:people": (lambda w: reverse("accounts:people"), expect(ADMIN)),
    "accounts:person_create": (lambda w: reverse("accounts:person_create", args=["binhai"]),
                               expect(BINHAI_APPROVE)),
    "accounts:person_update": (lambda w: reverse("accounts:person_update", args=[
        "binhai", w["users"]["reporter"].pk]), expect(BINHAI_APPROVE)),
    "accounts:district_people": (lambda w: reverse("accounts:district_people",
                                                   args=["binhai"]), expect(BINHAI_APPROVE)),
    "accounts:unit_create": (lambda w: reverse("accounts:unit_create", args=["binhai"]),
                             expect(BINHAI_APPROVE)),
    "accounts:unit_update": (lambda w: reverse("accounts:unit_update", args=[
        "binhai", w["unit"].pk]), expect(BINHAI_APPROVE)),
    "set_language": (lambda w: reverse("set_language"), expect(EVERYONE, ok=302, anonymous=302)),
    "reports:indicators": (lambda w: reverse("reports:indicators", args=["binhai"])
                           + f"?plan={w['plan'].pk}&year=2023", expect(BINHAI_VIEW)),
    "reports:tasks": (lambda w: reverse("reports:tasks", args=["binhai"]) + "?year=2023",
                      expect(BINHAI_VIEW)),
    # the districts each user may view; every role here may view one
    "reports:summary": (lambda w: reverse("reports:summary") + "?year=2023", expect(EVERYONE)),
}

# URL patterns reached under another form of the same name (checked in their own tests).
EXTRA_FORMS = {
    "accounts:person_create": lambda w: reverse("accounts:person_create"),
    "accounts:person_update": lambda w: reverse("accounts:person_update",
                                                args=[w["users"]["reporter"].pk]),
}
EXTRA_EXPECTED = expect(ADMIN)

# State changes tried with POST: who may (any answer but 403 / login), everyone else 403.
ACTIONS = {
    "indicators:figure_flag": ({"comment": "请核实"}, BINHAI_APPROVE),
    "indicators:figure_unflag": ({}, BINHAI_APPROVE),
    "indicators:target_adjust": ({"value": "1", "reason": "测试"}, BINHAI_APPROVE),
    "indicators:entry_grid": ({"action": "save"}, BINHAI_ENTER),
    "indicators:entry_upload": ({}, BINHAI_ENTER),
    "indicators:entry_upload_confirm": ({"action": "discard"}, {"admin", "coordinator",
                                                                 "reporter"}),
    "tasks:progress_entry": ({"status": "in_progress", "percent": "10"},
                             {"admin", "coordinator", "reporter"}),
    "tasks:contribute": ({"note": "配合情况"}, {"reporter_supporting"}),
    "reporting:queue": ({"bulk": "approve"}, BINHAI_APPROVE),
    "rounds:round_list": ({"year": "2030", "deadline": "2031-01-31"}, ADMIN),
    "rounds:round_close": ({}, ADMIN),
    "rounds:round_reopen": ({}, ADMIN),
    "rounds:round_deadline": ({"deadline": "2031-02-28"}, ADMIN),
    "accounts:unit_create": ({"name": "新单位"}, BINHAI_APPROVE),
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = Plan.objects.get(district__code="binhai")
    task = Task.objects.get(plan=plan, number="（1）")
    supporting = task.supporting_units.first()
    other = Unit.objects.filter(district=plan.district).exclude(
        pk__in=[task.lead_unit_id, *task.supporting_units.values_list("pk", flat=True)]).first()
    users = {
        "admin": make_user("a_admin", "admin", superuser=True),
        "coordinator": make_user("a_coord", "coordinator", "binhai"),
        "reporter": make_user("a_rep", "reporter", "binhai", LEAD),
        "reporter_other_unit": make_user("a_rep_other", "reporter", "binhai", other.name),
        "reporter_supporting": make_user("a_rep_support", "reporter", "binhai", supporting.name),
        "leader_binhai": make_user("a_lead_b", "leader", districts=["binhai"]),
        "leader_all": make_user("a_lead_all", "leader", all_districts=True),
        "reporter_wuqing": make_user("a_rep_wq", "reporter", "wuqing"),
        "coordinator_wuqing": make_user("a_coord_wq", "coordinator", "wuqing"),
    }
    indicator = Indicator.objects.get(plan=plan, number="7")
    figure = Figure.objects.create(indicator=indicator, year=2023, value=Decimal(21500),
                                   created_by=users["reporter"], updated_by=users["reporter"])
    figure.evidence_file.save("e.pdf", ContentFile(b"%PDF-1.4"), save=True)
    progress = TaskProgress.objects.create(task=task, year=2023, percent=10,
                                           updated_by=users["reporter"])
    upload = FigureUpload.objects.create(district=plan.district, plan=plan, year=2023,
                                         uploaded_by=users["reporter"], rows=[], versions={})
    return {
        "plan": plan, "indicator": indicator, "figure": figure, "task": task,
        "progress": progress, "upload": upload, "users": users,
        "target": Target.objects.get(indicator=indicator, year=2024),
        "round": ReportingRound.objects.create(year=2023, deadline="2024-01-31"),
        "unit": Unit.objects.get(district=plan.district, name=LEAD),
    }


def client_as(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def portal_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_pattern_has_a_row():
    assert portal_url_names() - set(TABLE) == set(), "a page nobody decided the rights of"
    assert set(TABLE) - portal_url_names() == set(), "a row for a page that no longer exists"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(role, world):
    client = client_as(world, role)
    wrong = []
    for name, (url_of, expected) in TABLE.items():
        url = url_of(world)
        response = client.get(url)
        if response.status_code != expected[role]:
            wrong.append(f"{name} {url}: {response.status_code}, expected {expected[role]}")
        if response.status_code == 302 and expected[role] == 302 and role == "anonymous" \
                and name not in ("set_language",):
            assert response["Location"].startswith(reverse("login")), name
    for name, url_of in EXTRA_FORMS.items():
        response = client.get(url_of(world))
        if response.status_code != EXTRA_EXPECTED[role]:
            wrong.append(f"{name} (any district form): {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_things(role, world):
    client = client_as(world, role)
    wrong = []
    for name, (data, allowed) in ACTIONS.items():
        url = TABLE[name][0](world)
        response = client.post(url, data)
        if role == "anonymous":
            ok = response.status_code == 302 and response["Location"].startswith(reverse("login"))
        elif role in allowed:
            ok = response.status_code not in (403, 404, 405)
        else:
            ok = response.status_code == 403
        if not ok:
            wrong.append(f"{name}: {response.status_code}")
    assert wrong == []
    if role not in BINHAI_APPROVE:
        world["target"].refresh_from_db()
        assert world["target"].value == 25000
        assert not Figure.objects.filter(flagged=True).exists()
