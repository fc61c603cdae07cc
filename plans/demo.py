"""Demo data for newcomers (示例数据): accounts, approved figures, task progress and rounds.

``demo_seed()`` fills a database that holds the plans (``load_plans``) with what a portal looks
like after a few years of use, so that every page has something to show:

- accounts ``demo_admin``, ``demo_leader`` and, per district X, ``demo_coordinator_X`` and
  ``demo_reporter_X`` (the reporter belongs to the unit that leads most of X's task rows);
- for every plan, figures for each plan year up to ``LAST_YEAR`` (and the base-year quantity of
  growth indicators that need one), derived from the indicator's own path (baseline, targets,
  序时进度) with a deterministic variation seeded by district code and indicator number, so that
  every progress status shows up in the latest year; a few figures of the latest year are left
  out, submitted or returned, so the review queue and the to-do lists have work;
- the progress of every task row for every year, with delayed rows that give a reason and a
  remedy;
- reporting rounds: the open round of ``ROUND_YEAR`` and closed rounds for the earlier years.

Every figure and progress entry it writes is marked ``is_sample``; the rounds carry
``ROUND_NOTE``. It never changes what exists: an entry (sample or real) or a round already
there is left alone, so running it twice is the same as once. ``demo_clear()`` removes what it
made and nothing else.

The passwords of the demo accounts are generated, printed and kept in the git-ignored
``local-login.txt`` (``username:password`` lines), which ``ensure_local_login`` shares.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.choices import Role
from accounts.models import Profile
from indicators.models import Figure, Indicator
from indicators.progress import (
    CUMULATIVE, GROWTH, HIGHER, LEVEL, MILESTONE, Status, compute, judged_kind,
)
from indicators.selectors import indicator_spec, target_spec
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from tasks.choices import ProgressStatus, Quarter
from tasks.models import Task, TaskProgress

LAST_YEAR = 2025  # the last year with demo figures
ROUND_YEAR = 2025
ROUND_DEADLINE = date(2026, 1, 31)
ROUND_NOTE = "示例数据：由 seed_demo 生成"
CHANGE_REASON = "示例数据"
EMAIL_DOMAIN = "example.com"

# Units whose values are whole numbers (when the plan's own numbers are whole too).
COUNT_UNITS = {"家", "个", "件", "单", "人次", "所", "场", "项", "人", "件/年", "个工作日", "平米"}


# The credentials file shared with ensure_local_login.

def login_file() -> Path:
    """``local-login.txt`` beside manage.py (git ignores it); ``LOCAL_LOGIN_FILE`` overrides."""
    return Path(getattr(settings, "LOCAL_LOGIN_FILE", Path(settings.BASE_DIR) / "local-login.txt"))


def logins_read(path: Path | None = None) -> dict[str, str]:
    """The ``username:password`` lines of the credentials file, in file order."""
    path = path or login_file()
    if not path.exists():
        return {}
    logins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        username, sep, password = line.strip().partition(":")
        if sep and username:
            logins[username] = password
    return logins


def logins_write(logins: dict[str, str], path: Path | None = None) -> Path:
    """Write every login back, one line each, readable by the owner only."""
    path = path or login_file()
    path.write_text("".join(f"{u}:{p}\n" for u, p in logins.items()), encoding="utf-8")
    path.chmod(0o600)
    return path


# Accounts.

@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    label: str
    district: District | None = None
    unit: Unit | None = None

    @property
    def superuser(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def name(self) -> str:
        """The account's 姓名: 示例填报员（滨海新区）."""
        where = f"（{self.district.name}）" if self.district else ""
        return f"示例{Role(self.role).label}{where}"


@dataclass
class DemoLogin:
    account: DemoAccount
    password: str
    created: bool = False
    reset: bool = False


def _lead_units(districts: list[District]) -> dict[int, Unit]:
    """Per district, the unit that leads most of its task rows (else its first unit)."""
    counts = (
        Task.objects.rows().filter(plan__district__in=districts, lead_unit__isnull=False)
        .values("plan__district_id", "lead_unit_id").annotate(n=Count("pk"))
    )
    best: dict[int, tuple] = {}
    units = {u.pk: u for u in Unit.objects.filter(district__in=districts)}
    for row in counts:
        unit = units[row["lead_unit_id"]]
        key = (-row["n"], unit.position, unit.name)
        current = best.get(row["plan__district_id"])
        if current is None or key < current[0]:
            best[row["plan__district_id"]] = (key, unit)
    result = {district_id: unit for district_id, (_key, unit) in best.items()}
    for unit in sorted(units.values(), key=lambda u: (u.position, u.name)):
        result.setdefault(unit.district_id, unit)
    return result


def demo_accounts(districts: list[District] | None = None) -> list[DemoAccount]:
    """The demo accounts for the districts in the database (every district by default)."""
    if districts is None:
        districts = list(District.objects.order_by("code"))
    units = _lead_units(districts)
    accounts = [
        DemoAccount("demo_admin", Role.ADMIN, "系统管理员"),
        DemoAccount("demo_leader", Role.LEADER, "领导（全部区域）"),
    ]
    for district in districts:
        accounts.append(DemoAccount(f"demo_coordinator_{district.code}", Role.COORDINATOR,
                                    f"区管理员 · {district.name}", district))
        unit = units.get(district.pk)
        if unit is not None:
            accounts.append(DemoAccount(f"demo_reporter_{district.code}", Role.REPORTER,
                                        f"填报员 · {district.name} · {unit.name}", district, unit))
    return accounts


def demo_usernames() -> list[str]:
    """Every demo account name for the districts in the database (and any left over)."""
    names = {a.username for a in demo_accounts()}
    User = get_user_model()
    for prefix in ("demo_coordinator_", "demo_reporter_"):
        names.update(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    return sorted(names)


def _accounts_ensure(accounts: list[DemoAccount], logins: dict[str, str]):
    """Create the accounts that are missing; keep every password that still works.

    Returns the logins (account and password) and the users by name."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    profiles = set(Profile.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    result = []
    for account in accounts:
        user = users.get(account.username)
        stored = logins.get(account.username)
        created = reset = False
        if user is None:
            user = User(username=account.username, email=f"{account.username}@{EMAIL_DOMAIN}",
                        first_name=account.name,
                        is_staff=account.superuser, is_superuser=account.superuser)
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            users[account.username] = user
            created = True
        elif stored and user.check_password(stored):
            password = stored
        else:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            reset = True
        if user.pk not in profiles:
            profile = Profile.objects.create(
                user=user, role=account.role, district=account.district, unit=account.unit,
                all_districts=account.role == Role.LEADER,
            )
            profiles.add(profile.user_id)
        result.append(DemoLogin(account, password, created, reset))
    return result, users


# Figures.

@dataclass
class SampleValue:
    year: int
    value: Decimal | None = None
    done: bool | None = None
    reason: str = ""
    remedy: str = ""


BEHIND_REASONS = [
    ("受宏观经济形势影响，部分企业研发投入和申请意愿下降。",
     "开展重点企业一对一走访服务，加大资助政策宣传和兑现力度。"),
    ("统计口径调整，部分数据尚未纳入本年统计。",
     "与统计部门逐项核对口径，下一年度补报并建立月度数据会商机制。"),
    ("配套资金拨付滞后，相关项目推迟启动。",
     "协调财政部门加快拨付，倒排工期，确保下一年度完成。"),
    ("重点培育对象发生调整，新增对象尚处于培育期。",
     "扩大培育储备库，按季度跟踪调度培育进展。"),
]
FIGURE_RETURN_REASONS = [
    "数据口径与统计部门公布数不一致，请核实后重新提交。",
    "缺少佐证材料，请补充上传统计报表后重新提交。",
    "与上年数据相比变化较大，请在说明中写明原因。",
]
FLAG_COMMENT = "与统计年鉴公布数据差异较大，请牵头单位核实数据来源。"
PROGRESS_RETURN_REASONS = [
    "进展描述过于简略，请补充具体工作量和成效。",
    "请补充佐证材料（会议纪要或印发文件）。",
    "完成百分比与进展描述不符，请核实。",
]


def _rng(*parts) -> random.Random:
    """A generator seeded by the parts (a string seed gives the same numbers on every run)."""
    return random.Random(":".join(str(p) for p in parts))


def _places(indicator: Indicator, numbers) -> int:
    """Decimal places of an indicator's values: whole counts, else one or two places."""
    numbers = [n for n in numbers if n is not None]
    whole = all(n == n.to_integral_value() for n in numbers)
    if indicator.unit in COUNT_UNITS and whole and "每" not in indicator.name:
        return 0
    if numbers and max(abs(n) for n in numbers) < 10:
        return 2
    return 1


def _decimal(value: float, places: int, rounding=ROUND_HALF_UP) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=rounding)


def _on_side(value: float, expected: float, places: int, meet: bool, higher: bool) -> Decimal:
    """``value`` rounded, kept on the wanted side of ``expected`` (meeting it or not)."""
    step = Decimal(1).scaleb(-places)
    result = _decimal(value, places)
    goal = Decimal(repr(expected))
    if meet and (result < goal if higher else result > goal):
        result = goal.quantize(step, rounding=ROUND_CEILING if higher else ROUND_FLOOR)
    if not meet and (result >= goal if higher else result <= goal):
        result = goal.quantize(step, rounding=ROUND_FLOOR if higher else ROUND_CEILING)
        result = result - step if higher else result + step
    return max(result, Decimal(0))


def _wanted(rng: random.Random) -> Status:
    u = rng.random()
    return Status.ACHIEVED if u < 0.45 else Status.AT_RISK if u < 0.78 else Status.BEHIND


def _latest_ratio(status: Status, rng: random.Random, higher: bool) -> float:
    """The actual of the latest year as a share of its expected value, for a wanted status."""
    if status == Status.ACHIEVED:
        ratio = rng.uniform(1.0, 1.1)
    elif status == Status.AT_RISK:
        ratio = rng.uniform(0.88, 0.97)
    else:
        ratio = rng.uniform(0.66, 0.82)
    return ratio if higher else 2 - ratio


def _start(spec) -> float | None:
    if spec.baseline_year is not None and spec.baseline_value is not None:
        return float(spec.baseline_value)
    return None


def indicator_values(indicator: Indicator, targets, plan: Plan, last_year: int,
                     quantity_source: Indicator | None = None) -> list[SampleValue]:
    """The demo values of an indicator for the plan years up to ``last_year``, oldest first.

    Each value follows the indicator's expected path (序时进度, from the progress engine) with
    a small deterministic variation; the latest year lands on a wanted status (achieved, at
    risk or behind; milestones done, not yet due or overdue). A growth indicator's values are
    its quantity, with the base year's quantity first when the plan gives no base value.
    """
    rng = _rng(plan.district.code, plan.start_year, indicator.number)
    years = list(range(plan.start_year, last_year + 1))
    spec = indicator_spec(indicator, targets, quantity_source)
    kind = judged_kind(spec.kind, spec.targets)
    if kind == MILESTONE:
        return _milestone_values(spec, years, rng)
    expected = {y: compute(spec, [], y).expected for y in years}
    if expected[last_year] is None:
        return []
    higher = spec.direction == HIGHER
    exp_last = float(expected[last_year])
    places = _places(indicator, [spec.baseline_value] + [t.number for t in spec.targets])
    status = _wanted(rng)
    start = _start(spec)
    if kind != GROWTH and places == 0 and status == Status.AT_RISK and exp_last < 7:
        status = Status.ACHIEVED  # a small count cannot be just short of its goal
    if start is not None and higher and status == Status.BEHIND and start >= 0.85 * exp_last:
        status = Status.AT_RISK  # a fall far below the baseline would be odd near the goal
    meet = status == Status.ACHIEVED
    ratio = _latest_ratio(status, rng, higher)
    if kind == GROWTH:
        values = _growth_values(indicator, spec, years, exp_last * ratio, rng)
    elif kind == CUMULATIVE:
        total = _on_side(exp_last * ratio, exp_last, places, meet, higher)
        values = _cumulative_values(years, total, places, rng)
    else:
        values = _level_values(indicator, years, expected, start, status, ratio, places, rng,
                               higher)
    if status == Status.BEHIND and values:
        reason, remedy = rng.choice(BEHIND_REASONS)
        values[-1].reason, values[-1].remedy = reason, remedy
    return values


def _level_values(indicator, years, expected, start, status, ratio, places, rng, higher):
    """Levels and flows: the path's value, off it by a share that grows to the latest year's."""
    last_year, exp_last = years[-1], float(expected[years[-1]])
    percent = indicator.unit == "%" and higher
    if status == Status.AT_RISK and start is not None and higher and start > 0.85 * exp_last:
        raw_last = start + rng.uniform(-0.2, 0.9) * (exp_last - start)
    elif percent and status == Status.ACHIEVED:
        raw_last = min(exp_last * ratio, exp_last + (100 - exp_last) * rng.uniform(0.1, 0.6))
    else:
        raw_last = exp_last * ratio
    if percent:
        raw_last = min(raw_last, 100.0)
    last = _on_side(raw_last, exp_last, places, status == Status.ACHIEVED, higher)
    offset = float(last) - exp_last
    values = []
    for k, year in enumerate(years[:-1]):
        path = float(expected[year])
        scale = abs(path - start) if start is not None else abs(path)
        raw = path + offset * (k + 1) / len(years) + rng.uniform(-0.03, 0.03) * scale
        if percent:
            raw = min(raw, 100.0)
        values.append(SampleValue(year, max(_decimal(raw, places), Decimal(0))))
    values.append(SampleValue(last_year, last))
    if higher and indicator.kind == LEVEL and indicator.unit in COUNT_UNITS:
        # A stock (patents, firms, brands) does not shrink: no year above the one after it.
        for earlier, later in zip(reversed(values[:-1]), reversed(values[1:])):
            if earlier.value > later.value:
                earlier.value = _decimal(float(later.value) * rng.uniform(0.95, 0.99), places,
                                         ROUND_FLOOR)
    return values


def base_quantity(growth: Indicator, source: Indicator, quantity_values: list[SampleValue],
                  plan: Plan, last_year: int) -> SampleValue | None:
    """The base-year value a linked growth indicator needs from its quantity indicator.

    None when the quantity indicator has a baseline, already has that year, or has no value
    for the latest year. The value makes the growth rate land on the growth indicator's own
    wanted status."""
    targets = list(growth.targets.all())
    spec = indicator_spec(growth, targets, source)
    if spec.baseline_value is not None or judged_kind(spec.kind, spec.targets) != GROWTH:
        return None
    base_year = spec.baseline_year if spec.baseline_year is not None else plan.start_year - 1
    by_year = {v.year: v for v in quantity_values}
    if base_year in by_year or by_year.get(last_year) is None or by_year[last_year].value is None:
        return None
    expected = compute(spec, [], last_year).expected
    if expected is None or last_year <= base_year:
        return None
    rng = _rng(plan.district.code, plan.start_year, growth.number)
    rate = float(expected) * _latest_ratio(_wanted(rng), rng, True)
    value = float(by_year[last_year].value) / (1 + rate / 100) ** (last_year - base_year)
    places = _places(source, [source.baseline_value] + [target_spec(t).number for t in source.targets.all()])
    return SampleValue(base_year, _decimal(value, places, ROUND_FLOOR))


def _milestone_values(spec, years: list[int], rng: random.Random) -> list[SampleValue]:
    """Done from a year on, or not done: not yet due (on track) or overdue (behind)."""
    target_year = max((t.year for t in spec.targets), default=years[-1])
    done_year = None
    if years[-1] >= target_year and rng.random() < 0.72:
        done_year = rng.choice(years)
    return [SampleValue(y, done=done_year is not None and y >= done_year) for y in years]


def _cumulative_values(years, total: Decimal, places: int, rng) -> list[SampleValue]:
    """Yearly increments (本年新增) that add up to ``total`` by the last year."""
    weights = [rng.uniform(0.6, 1.4) for _ in years]
    whole = sum(weights)
    values, running, before = [], 0.0, Decimal(0)
    for year, weight in zip(years, weights):
        running += weight
        upto = total if year == years[-1] else _decimal(float(total) * running / whole, places,
                                                        ROUND_FLOOR)
        values.append(SampleValue(year, upto - before))
        before = upto
    return values


def _growth_values(indicator, spec, years, rate_last: float, rng) -> list[SampleValue]:
    """The quantity, growing from the base year at about the wanted average rate."""
    base_year = spec.baseline_year if spec.baseline_year is not None else spec.start_year - 1
    places = 2 if indicator.quantity_unit in ("亿元", "万元", "%") else 0
    values = []
    if spec.baseline_value is not None:
        base = float(spec.baseline_value)
    else:
        base = rng.uniform(3, 20) if places else float(rng.randint(150, 900))
        values.append(SampleValue(base_year, _decimal(base, places)))
        base = float(values[0].value)
    for year in years:
        if year <= base_year:
            continue
        rate = rate_last if year == years[-1] else rate_last * rng.uniform(0.85, 1.2)
        quantity = base * (1 + rate / 100) ** (year - base_year)
        values.append(SampleValue(year, _decimal(quantity, places)))
    return values


# Task progress.

PROGRESS_DETAILS = [
    "已召开专题推进会{n}次，明确责任分工和时间节点。",
    "已完成前期调研并形成工作方案。",
    "相关政策文件已进入征求意见阶段。",
    "已组织重点企业开展对接活动{n}场。",
    "服务覆盖企业{m}家。",
    "已与市级主管部门建立工作会商机制。",
]
COMPLETED_DETAILS = [
    "相关制度文件已印发实施。",
    "形成工作总结报告并报区知识产权工作领导小组。",
    "全年累计服务企业{m}家，达到预期目标。",
    "已通过市级主管部门验收。",
]
DELAYED_REASONS = [
    ("受年度经费拨付进度影响，部分项目未能按期启动。",
     "已协调财政部门加快拨付，计划下一季度完成主要工作。"),
    ("牵头单位机构调整，工作衔接出现延误。",
     "明确专人负责，建立周调度机制，倒排工期推进。"),
    ("相关配套政策尚待市级部门出台。",
     "加强与市级部门沟通，先行开展前期准备工作。"),
    ("合作企业项目调整，对接工作推迟。",
     "调整合作对象，已与两家新企业达成合作意向。"),
]


@dataclass
class SampleProgress:
    year: int
    status: str
    percent: int
    narrative: str
    reason: str = ""
    remedy: str = ""


def task_values(task: Task, plan: Plan, last_year: int) -> list[SampleProgress]:
    """A task row's progress for each plan year up to ``last_year``: completed, under way,
    delayed (with a reason and a remedy) or not started, moving forward year by year."""
    rng = _rng(plan.district.code, plan.start_year, "task", task.position, task.number)
    years = list(range(plan.start_year, last_year + 1))
    n = len(years)
    u = rng.random()
    final = ("completed" if u < 0.38 else "in_progress" if u < 0.82
             else "delayed" if u < 0.93 else "not_started")
    done_index = rng.randint(max(0, n - 2), n - 1)
    final_percent = {"in_progress": rng.randint(55, 90), "delayed": rng.randint(20, 50)}.get(final, 0)
    values = []
    for k, year in enumerate(years):
        reason = remedy = ""
        if final == "not_started":
            status, percent = ProgressStatus.NOT_STARTED, 0
        elif final == "completed":
            percent = 100 if k >= done_index else min(95, round(100 * (k + 1) / (done_index + 1)
                                                                 * rng.uniform(0.8, 1.0)))
            status = ProgressStatus.COMPLETED if percent == 100 else ProgressStatus.IN_PROGRESS
        else:
            percent = max(5, round(final_percent * (k + 1) / n))
            late = final == "delayed" and (k == n - 1 or (k == n - 2 and rng.random() < 0.4))
            status = ProgressStatus.DELAYED if late else ProgressStatus.IN_PROGRESS
        if status == ProgressStatus.DELAYED:
            reason, remedy = rng.choice(DELAYED_REASONS)
            narrative = f"{year}年，本项任务推进滞后，已完成年度计划的{percent}%。"
        elif status == ProgressStatus.COMPLETED:
            narrative = f"{year}年，本项任务已全部完成。" + rng.choice(COMPLETED_DETAILS).format(
                m=rng.randint(20, 200))
        elif status == ProgressStatus.IN_PROGRESS:
            narrative = f"{year}年，按计划推进，已完成{percent}%。" + rng.choice(PROGRESS_DETAILS).format(
                n=rng.randint(2, 6), m=rng.randint(20, 200))
        else:
            narrative = f"{year}年，本项任务尚未启动，拟于下一年度启动。"
        values.append(SampleProgress(year, status, percent, narrative, reason, remedy))
    return values


# Review states and dates.

@dataclass
class Reviewers:
    reporter: object | None
    coordinator: object | None
    unit_id: int | None = None


def _latest_states(keys: list, seed: str, returned: float = 0.07) -> dict:
    """For the latest year: a few entries left out, submitted or returned; the rest approved."""
    keys = list(keys)
    _rng(seed).shuffle(keys)
    n = len(keys)
    if n == 0:
        return {}
    counts = [max(1, round(n * 0.07)), max(1, round(n * 0.1)), max(1, round(n * returned))]
    states = ["missing"] * counts[0] + [ReviewStatus.SUBMITTED] * counts[1] + [
        ReviewStatus.RETURNED] * counts[2]
    return {key: (states[i] if i < len(states) and i < n - 1 else ReviewStatus.APPROVED)
            for i, key in enumerate(keys)}


def _deadline(year: int, rounds: dict[int, date]) -> date:
    return rounds.get(year) or date(year + 1, 1, 31)


def _stamp(entry, *, year: int, state: str, who: Reviewers, rounds, rng, now, return_reasons):
    """Fill the review fields as the review path would have left them."""
    deadline = _deadline(year, rounds)
    late = rng.random() < 0.12
    day = deadline + timedelta(days=rng.randint(1, 20)) if late else deadline - timedelta(
        days=rng.randint(1, 25))
    submitted = timezone.make_aware(datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59))))
    submitted = min(submitted, now - timedelta(hours=2))
    entry.is_sample = True
    entry.created_by = entry.updated_by = who.reporter
    entry.submitted_at, entry.submitted_late = submitted, submitted.date() > deadline
    entry.review_status = state
    entry._history_user = who.reporter
    entry._history_date = submitted
    if state == ReviewStatus.APPROVED:
        entry.approved_by = who.coordinator
        entry.approved_at = min(submitted + timedelta(days=rng.randint(1, 8), hours=rng.randint(0, 5)),
                                now - timedelta(hours=1))
        entry.version = 3
        entry._history_user, entry._history_date = who.coordinator, entry.approved_at
    elif state == ReviewStatus.RETURNED:
        entry.approved_by = who.coordinator
        entry.return_reason = rng.choice(return_reasons)
        entry.version = 3
        entry._history_user = who.coordinator
    else:
        entry.version = 2


# Seeding and clearing.

@dataclass
class SeedResult:
    logins: list[DemoLogin] = field(default_factory=list)
    figures: int = 0
    progress: int = 0
    rounds: int = 0


def _plans(last_year: int) -> list[Plan]:
    return list(
        Plan.objects.filter(start_year__lte=last_year).select_related("district")
        .order_by("district__code", "start_year", "pk")
    )


def _rounds_ensure(years: set[int], admin, now) -> tuple[int, dict[int, date]]:
    """The open round of ROUND_YEAR and closed rounds for the earlier demo years."""
    existing = dict(ReportingRound.objects.values_list("year", "deadline"))
    new = []
    for year in sorted(years | {ROUND_YEAR}):
        if year in existing:
            continue
        deadline = ROUND_DEADLINE if year == ROUND_YEAR else date(year + 1, 1, 31)
        new.append(ReportingRound(year=year, deadline=deadline, is_open=year == ROUND_YEAR,
                                  note=ROUND_NOTE, opened_by=admin))
        existing[year] = deadline
    ReportingRound.objects.bulk_create(new)
    return len(new), existing


def demo_seed(*, last_year: int = LAST_YEAR) -> SeedResult:
    """Create whatever demo data is missing, in one transaction (see the module docstring)."""
    result = SeedResult()
    now = timezone.now()
    with transaction.atomic():
        logins = logins_read()
        accounts = demo_accounts()
        result.logins, by_name = _accounts_ensure(accounts, logins)
        admin = by_name.get("demo_admin")
        reviewers = {}
        for account in accounts:
            if account.district is None:
                continue
            who = reviewers.setdefault(account.district.pk, Reviewers(None, None))
            if account.role == Role.COORDINATOR:
                who.coordinator = by_name[account.username]
            elif account.role == Role.REPORTER:
                who.reporter, who.unit_id = by_name[account.username], account.unit.pk

        plans = _plans(last_year)
        years = {y for p in plans for y in range(p.start_year, min(p.end_year, last_year) + 1)}
        result.rounds, rounds = _rounds_ensure(years, admin, now)

        figures = _figures(plans, last_year, reviewers, rounds, now)
        progress = _progress(plans, last_year, reviewers, rounds, now)
        if figures:
            bulk_create_with_history(figures, Figure, batch_size=500,
                                     default_change_reason=CHANGE_REASON)
        if progress:
            bulk_create_with_history(progress, TaskProgress, batch_size=500,
                                     default_change_reason=CHANGE_REASON)
        if figures or progress:  # bulk writes send no signals
            District.objects.filter(pk__in={p.district_id for p in plans}).mark_changed()
        result.figures, result.progress = len(figures), len(progress)
        logins.update({login.account.username: login.password for login in result.logins})
        logins_write(logins)
    return result


def _figures(plans, last_year, reviewers, rounds, now) -> list[Figure]:
    indicators = defaultdict(list)
    for indicator in (Indicator.objects.filter(plan__in=plans)
                      .select_related("plan__district", "quantity_indicator")
                      .prefetch_related("targets").order_by("plan_id", "position")):
        indicators[indicator.plan_id].append(indicator)
    existing = set(Figure.objects.filter(indicator__plan__in=plans).values_list("indicator_id", "year"))
    new = []
    for plan in plans:
        latest = min(plan.end_year, last_year)
        own = [i for i in indicators[plan.pk] if i.quantity_indicator_id is None]
        values = {i.pk: indicator_values(i, list(i.targets.all()), plan, latest) for i in own}
        by_pk = {i.pk: i for i in own}
        for growth in indicators[plan.pk]:
            source = by_pk.get(growth.quantity_indicator_id)
            if source is not None:
                base = base_quantity(growth, source, values[source.pk], plan, latest)
                if base is not None:
                    values[source.pk].insert(0, base)
        states = _latest_states([i.number for i in own], f"{plan.district.code}:{plan.start_year}:review")
        # One approved figure of the latest year is flagged for follow-up (核查).
        flagged = next((n for n, state in reversed(list(states.items()))
                        if state == ReviewStatus.APPROVED), None)
        who = reviewers.get(plan.district_id, Reviewers(None, None))
        for indicator in own:
            rng = _rng(plan.district.code, plan.start_year, indicator.number, "review")
            for sample in values[indicator.pk]:
                state = states[indicator.number] if sample.year == latest else ReviewStatus.APPROVED
                if state == "missing" or (indicator.pk, sample.year) in existing:
                    continue
                figure = Figure(indicator=indicator, year=sample.year, value=sample.value,
                                done=sample.done, reason=sample.reason, remedy=sample.remedy)
                _stamp(figure, year=max(sample.year, plan.start_year), state=state, who=who,
                       rounds=rounds, rng=rng, now=now, return_reasons=FIGURE_RETURN_REASONS)
                if sample.year == latest and indicator.number == flagged:
                    figure.flagged, figure.flag_comment = True, FLAG_COMMENT
                    figure.flagged_by = who.coordinator
                    figure.flagged_at = min(figure.approved_at + timedelta(days=3), now)
                new.append(figure)
    return new


def _progress(plans, last_year, reviewers, rounds, now) -> list[TaskProgress]:
    rows = defaultdict(list)
    for task in Task.objects.rows().filter(plan__in=plans).order_by("plan_id", "position"):
        rows[task.plan_id].append(task)
    existing = set(TaskProgress.objects.filter(task__plan__in=plans, quarter=Quarter.YEAR)
                   .values_list("task_id", "year"))
    new = []
    for plan in plans:
        latest = min(plan.end_year, last_year)
        states = _latest_states([t.position for t in rows[plan.pk]],
                                f"{plan.district.code}:{plan.start_year}:task-review", returned=0.04)
        who = reviewers.get(plan.district_id, Reviewers(None, None))
        for task in rows[plan.pk]:
            rng = _rng(plan.district.code, plan.start_year, "task-review", task.position)
            by = who if task.lead_unit_id == who.unit_id else Reviewers(who.coordinator, who.coordinator)
            for sample in task_values(task, plan, latest):
                state = states[task.position] if sample.year == latest else ReviewStatus.APPROVED
                if state == "missing":
                    state = ReviewStatus.APPROVED  # every task row has progress for every year
                if (task.pk, sample.year) in existing:
                    continue
                entry = TaskProgress(task=task, year=sample.year, quarter=Quarter.YEAR,
                                     status=sample.status, percent=sample.percent,
                                     narrative=sample.narrative, reason=sample.reason,
                                     remedy=sample.remedy)
                _stamp(entry, year=sample.year, state=state, who=by, rounds=rounds, rng=rng,
                       now=now, return_reasons=PROGRESS_RETURN_REASONS)
                new.append(entry)
    return new


@dataclass
class ClearResult:
    figures: int = 0
    progress: int = 0
    rounds: int = 0
    accounts: list[str] = field(default_factory=list)


def demo_clear() -> ClearResult:
    """Remove the sample figures and progress (with their history), the demo rounds and the
    demo accounts; nothing else."""
    result = ClearResult()
    User = get_user_model()
    with transaction.atomic():
        names = demo_usernames()
        result.figures = Figure.objects.filter(is_sample=True).delete()[1].get(Figure._meta.label, 0)
        result.progress = TaskProgress.objects.filter(is_sample=True).delete()[1].get(
            TaskProgress._meta.label, 0)
        # The history of sample entries goes too (their deletion rows included).
        Figure.history.filter(is_sample=True).delete()
        TaskProgress.history.filter(is_sample=True).delete()
        rounds = ReportingRound.objects.filter(note=ROUND_NOTE)
        result.rounds = rounds.count()
        rounds.delete()
        users = User.objects.filter(username__in=names)
        result.accounts = sorted(users.values_list("username", flat=True))
        users.delete()
        logins = logins_read()
        if any(name in logins for name in names):
            logins_write({u: p for u, p in logins.items() if u not in names})
    return result
