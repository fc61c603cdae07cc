"""A synthetic national roll-out for the benchmark, written with bulk inserts.

Every district gets eight units, one plan for 2016–2026 with 60 indicators of every kind (20
level, 12 flow, 10 cumulative, 5 growth rates with their own quantity, 5 growth rates linked
to another indicator, 8 milestones) in the six categories, five targets each (2018, 2020,
2022, 2024, 2026), approved figures for 2016–2025 (and the 2015 quantity of the growth rates
that need one), and a task table of 5 groups → 20 tasks → 100 rows, each row with a lead unit,
up to two supporting units and approved progress for 2016–2025. Values follow each
indicator's path with a fixed pseudo-random variation, so every status shows up.

History rows are not written (the pages read them only for the figures of one indicator).
Nothing here is meant for a real portal database: the command runs it only in its own one.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Profile
from indicators.models import Figure, Indicator, Target
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from tasks.choices import ProgressStatus
from tasks.models import Task, TaskProgress, TaskSupport

START, END = 2016, 2026  # the plans' period
BASE_YEAR = START - 1  # baselines and base-year quantities
LAST_FIGURE_YEAR = 2025  # approved figures up to this year; the grid is entered for END
TARGET_YEARS = (2018, 2020, 2022, 2024, 2026)
CODE_PREFIX = "bench"
CONCEPT = "invention_per_10k"  # the compare page's concept (one indicator in every plan)
BATCH = 2000

UNITS = ["区市场监管局（知识产权局）", "区科技局", "区工业和信息化局", "区财政局", "区商务局",
         "区司法局", "区金融局", "区人力资源和社会保障局"]
CATEGORIES = ["政策", "创造", "保护", "运用", "运营", "服务"]

# (name, unit, category, concept, typical value); level indicators, higher is better unless
# listed in LOWER.
LEVEL = [
    ("每万人发明专利拥有量", "件", "创造", CONCEPT, 20),
    ("每万人口高价值发明专利拥有量", "件", "创造", "high_value_invention_per_10k", 8),
    ("有效发明专利量", "件", "创造", "valid_invention_patents", 5000),
    ("有效专利量", "件", "创造", "valid_patents", 20000),
    ("有效注册商标量", "件", "创造", "trademarks", 30000),
    ("每百户市场主体有效注册商标量", "件", "创造", "trademarks_per_100_entities", 30),
    ("地理标志保护产品数量", "个", "创造", "geographical_indications", 3),
    ("产业知识产权运营中心数量", "个", "运营", "operation_center", 4),
    ("知识产权优势示范企业数量", "家", "运用", "ip_advantage_firms", 40),
    ("知识产权公共服务平台数量", "个", "服务", "", 10),
    ("知识产权代理机构数量", "家", "服务", "", 30),
    ("知识产权保护社会满意度", "分", "保护", "", 80),
    ("区本级知识产权专项经费投入占比", "%", "政策", "", 0.7),
    ("知识产权司法案件审结率", "%", "保护", "", 90),
    ("专利行政执法持证人员数量", "人", "保护", "", 30),
    ("区域商标品牌数量", "个", "运用", "regional_brands", 10),
    ("高价值专利培育企业数量", "家", "创造", "", 50),
    ("知识产权服务业从业人员数量", "人", "服务", "", 500),
    ("非正常专利申请占比", "%", "创造", "", 3),
    ("专利侵权纠纷平均结案周期", "个工作日", "保护", "", 60),
]
LOWER = {"非正常专利申请占比", "专利侵权纠纷平均结案周期"}
FLOW = [
    ("专利申请量", "件", "创造", "patent_applications", 8000),
    ("PCT国际专利申请量", "件", "创造", "pct_applications", 100),
    ("知识产权质押融资登记金额", "亿元", "运营", "pledge_financing", 20),
    ("知识产权培训人次", "人次", "服务", "training", 3000),
    ("知识产权维权援助和调解办案量", "件/年", "保护", "enforcement_cases", 400),
    ("专利技术合同成交额", "亿元", "运用", "tech_contract_value", 300),
    ("知识产权转让、许可数量", "件", "运用", "transfer_license", 800),
    ("海外发明专利授权量", "件", "创造", "", 200),
    ("知识产权司法案件受理数量", "件", "保护", "", 2000),
    ("专利导航项目数量", "个", "运营", "patent_navigation", 5),
    ("知识产权融资企业数量", "家", "运营", "ip_financed_firms", 60),
    ("知识产权宣传活动场次", "场", "政策", "", 40),
]
CUMULATIVE = [  # the typical yearly increment
    ("累计新增贯标认证企业", "家", "运用", "certification", 50),
    ("累计托管中小微企业", "家", "服务", "custody", 200),
    ("累计培育知识产权试点企业", "家", "运用", "", 30),
    ("累计开展专利微导航", "项", "运营", "", 10),
    ("累计建设知识产权工作站", "个", "保护", "", 5),
    ("累计转化高校院所专利技术的中小企业", "家", "运用", "univ_patent_transfer_smes", 20),
    ("累计发行知识产权证券化产品", "单", "运营", "securitization", 2),
    ("累计设立知识产权运营基金规模", "亿元", "运营", "ip_fund", 2),
    ("累计引进知识产权高端人才", "人", "服务", "", 15),
    ("累计建设知识产权特色园区", "个", "政策", "", 2),
]
GROWTH = [  # (name, quantity name, quantity unit, category, typical quantity)
    ("发明专利授权量年均增幅", "发明专利授权量", "件", "创造", 1500),
    ("商标注册量年均增长", "商标注册量", "件", "创造", 5000),
    ("知识产权服务机构营业收入年均增幅", "知识产权服务机构营业收入", "亿元", "服务", 5),
    ("地理标志产品产值年均增长", "地理标志产品产值", "亿元", "运用", 10),
    ("版权登记量年均增长", "版权登记量", "件", "保护", 3000),
]
LINKED = [  # (name, the name of the level or flow indicator whose figures it uses)
    ("知识产权质押融资登记金额年均增幅", "知识产权质押融资登记金额"),
    ("专利申请量年均增长", "专利申请量"),
    ("有效发明专利量年均增长", "有效发明专利量"),
    ("PCT国际专利申请量年均增长", "PCT国际专利申请量"),
    ("专利技术合同成交额年均增长", "专利技术合同成交额"),
]
MILESTONES = [
    ("建成知识产权保护中心", "保护"), ("设立知识产权运营基金", "运营"),
    ("建成知识产权公共服务平台", "服务"), ("出台知识产权资助政策", "政策"),
    ("建成知识产权维权援助工作站", "保护"), ("创建国家知识产权强县工程示范区", "政策"),
    ("建成知识产权交易中心", "运用"), ("开展知识产权证券化试点", "运营"),
]
INDICATORS_PER_PLAN = len(LEVEL) + len(FLOW) + len(CUMULATIVE) + len(GROWTH) + len(LINKED) \
    + len(MILESTONES)

GROUPS = ["强化知识产权创造", "加强知识产权保护", "促进知识产权运用", "提升知识产权服务",
          "完善知识产权政策"]
TASK_WORDS = ["发明专利", "高价值专利", "商标", "地理标志", "贯标", "托管", "质押融资", "证券化",
              "运营中心", "专利导航", "培训", "维权援助", "调解", "技术合同", "转化", "基金",
              "公共服务平台", "代理机构", "人才", "园区"]
TASKS_PER_GROUP, ROWS_PER_TASK = 4, 5
DELAY_REASON = "相关配套资金拨付滞后，项目推迟启动。"
DELAY_REMEDY = "协调财政部门加快拨付，倒排工期，确保下一年度完成。"


@dataclass
class Dataset:
    """What the measurements need to find in the database."""

    districts: int
    district_code: str  # the district whose pages are measured
    plan_id: int
    indicator_id: int  # its compare-concept indicator (the indicator page)
    concept: str
    grid_year: int
    data_year: int
    leader: str  # user names
    coordinator: str
    reporter: str


def usernames() -> tuple[str, str, str]:
    return "bench_leader", "bench_coordinator", "bench_reporter"


def dataset_find(districts: int) -> Dataset | None:
    """The data set already in the database, if it has ``districts`` districts."""
    if District.objects.filter(code__startswith=CODE_PREFIX).count() != districts or not districts:
        return None
    district = District.objects.get(code=_code(0))
    plan = Plan.objects.get(district=district)
    indicator = Indicator.objects.get(plan=plan, concept=CONCEPT)
    leader, coordinator, reporter = usernames()
    return Dataset(districts=districts, district_code=district.code, plan_id=plan.pk,
                   indicator_id=indicator.pk, concept=CONCEPT, grid_year=END,
                   data_year=LAST_FIGURE_YEAR, leader=leader, coordinator=coordinator,
                   reporter=reporter)


def _code(i: int) -> str:
    return f"{CODE_PREFIX}{i + 1:04d}"


def _dec(value: float, places: int = 2) -> Decimal:
    return Decimal(str(round(value, places)))


class _Log:
    def __init__(self, log):
        self.log = log
        self.started = time.perf_counter()

    def __call__(self, what: str, count: int) -> None:
        self.log(f"  {what}: {count:,} ({time.perf_counter() - self.started:.1f} s)")


def _bulk(model, objects: list, log: _Log, what: str) -> list:
    created = []
    for start in range(0, len(objects), BATCH):
        created += model.objects.bulk_create(objects[start:start + BATCH])
    log(what, len(created))
    return created


def dataset_build(*, districts: int, log=print, seed: str = "ipops-bench") -> Dataset:
    """Write the data set for ``districts`` districts into an empty database."""
    if District.objects.exists():
        raise RuntimeError("the benchmark database is not empty")
    log(f"building the data set: {districts} districts × {INDICATORS_PER_PLAN} indicators, "
        f"{len(GROUPS) * TASKS_PER_GROUP * ROWS_PER_TASK} task rows")
    step = _Log(log)
    now = timezone.now()
    with transaction.atomic():
        User = get_user_model()
        leader_name, coordinator_name, reporter_name = usernames()
        leader = User.objects.create_user(leader_name)
        coordinator = User.objects.create_user(coordinator_name)
        reporter = User.objects.create_user(reporter_name)
        for user in (leader, coordinator, reporter):
            user.set_unusable_password()
            user.save(update_fields=["password"])

        district_rows = _bulk(District, [
            District(code=_code(i), name=f"基准{i + 1:04d}区", city=f"基准市{i // 10 + 1:02d}")
            for i in range(districts)], step, "districts")
        units = _bulk(Unit, [
            Unit(district=d, name=name, position=p)
            for d in district_rows for p, name in enumerate(UNITS)], step, "units")
        units_of = {}
        for unit in units:
            units_of.setdefault(unit.district_id, []).append(unit)
        plans = _bulk(Plan, [
            Plan(district=d, title=f"{d.name}知识产权发展规划（{START}—{END}年）",
                 issuer=f"{d.name}人民政府", issue_date=date(START, 3, 1), start_year=START,
                 end_year=END)
            for d in district_rows], step, "plans")

        Profile.objects.create(user=leader, role=Role.LEADER, all_districts=True)
        first = district_rows[0]
        Profile.objects.create(user=coordinator, role=Role.COORDINATOR, district=first)
        Profile.objects.create(user=reporter, role=Role.REPORTER, district=first,
                               unit=units_of[first.pk][0])
        ReportingRound.objects.bulk_create(
            [ReportingRound(year=y, deadline=date(y + 1, 1, 31), is_open=y == END,
                            opened_by=leader) for y in range(START, END + 1)])

        indicators, targets, figures, links = [], [], [], []
        for plan in plans:
            rng = random.Random(f"{seed}:{plan.district_id}")
            plan_indicators, plan_targets, plan_figures, plan_links = _plan_indicators(plan, rng)
            indicators += plan_indicators
            targets.append(plan_targets)
            figures.append(plan_figures)
            links.append(plan_links)
        _bulk(Indicator, indicators, step, "indicators")
        for plan_links in links:  # linked growth rates point at their quantity indicator
            for growth, source in plan_links:
                growth.quantity_indicator_id = source.pk
        Indicator.objects.bulk_update([g for plan_links in links for g, _s in plan_links],
                                      ["quantity_indicator"], batch_size=BATCH)
        _bulk(Target, [t.resolve() for plan_targets in targets for t in plan_targets],
              step, "targets")
        _bulk(Figure, [f.resolve(coordinator=coordinator, reporter=reporter, now=now)
                       for plan_figures in figures for f in plan_figures], step, "figures")

        _tasks_build(plans, units_of, seed, step, coordinator=coordinator, reporter=reporter,
                     now=now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load
        step("ANALYZE", 1)
    return dataset_find(districts)


class _Pending:
    """A row waiting for its indicator's primary key."""

    def __init__(self, model, indicator, **values):
        self.model, self.indicator, self.values = model, indicator, values

    def resolve(self, **extra):
        values = dict(self.values)
        if self.model is Figure:
            values.update(review_status=ReviewStatus.APPROVED, created_by=extra["reporter"],
                          updated_by=extra["reporter"], approved_by=extra["coordinator"],
                          approved_at=extra["now"], submitted_at=extra["now"])
        return self.model(indicator_id=self.indicator.pk, **values)


def _plan_indicators(plan: Plan, rng: random.Random):
    """One plan's indicators, with their targets and approved figures still to resolve."""
    scale = rng.uniform(0.5, 2.0)  # a district's size
    indicators, targets, figures, links, by_name = [], [], [], [], {}

    def add(name, kind, unit, category, **values):
        indicator = Indicator(
            plan=plan, position=len(indicators) + 1, number=str(len(indicators) + 1), name=name,
            kind=kind, unit=unit, category=category,
            attribute=["国家指标", "自选指标", "预期性"][len(indicators) % 3], **values)
        indicators.append(indicator)
        by_name[name] = indicator
        return indicator

    def target(indicator, year, value, comparator=">="):
        targets.append(_Pending(Target, indicator, year=year, value=_dec(value),
                                comparator=comparator))

    def figure(indicator, year, **values):
        figures.append(_Pending(Figure, indicator, year=year, **values))

    def path(start, final, year):  # the straight line from the baseline to the final target
        return start + (final - start) * (year - BASE_YEAR) / (END - BASE_YEAR)

    for name, unit, category, concept, typical in LEVEL:
        lower = name in LOWER
        base = typical * (scale if unit != "%" and unit != "分" else rng.uniform(0.9, 1.1))
        if lower:
            final = base * rng.uniform(0.4, 0.7)
        elif unit in ("%", "分") and base > 50:
            final = min(base + (100 - base) * rng.uniform(0.3, 0.6), 99.5)
        else:
            final = base * rng.uniform(1.3, 2.0)
        indicator = add(name, "level", unit, category, concept=concept,
                        direction="lower" if lower else "higher", baseline_year=BASE_YEAR,
                        baseline_value=_dec(base))
        for year in TARGET_YEARS:
            target(indicator, year, path(base, final, year), "<=" if lower else ">=")
        bias = rng.uniform(0.85, 1.06)
        for year in range(START, LAST_FIGURE_YEAR + 1):
            noise = bias * rng.uniform(0.98, 1.02)
            value = path(base, final, year) * (2 - noise if lower else noise)
            figure(indicator, year, value=_dec(min(value, 100) if unit == "%" else value))

    for name, unit, category, concept, typical in FLOW:
        base = typical * scale
        final = base * rng.uniform(1.3, 1.8)
        indicator = add(name, "flow", unit, category, concept=concept, baseline_year=BASE_YEAR,
                        baseline_value=_dec(base))
        for year in TARGET_YEARS:
            target(indicator, year, path(base, final, year))
        bias = rng.uniform(0.85, 1.06)
        for year in range(START, LAST_FIGURE_YEAR + 1):
            figure(indicator, year, value=_dec(path(base, final, year) * bias
                                               * rng.uniform(0.97, 1.03)))

    for name, unit, category, concept, typical in CUMULATIVE:
        step = typical * scale
        indicator = add(name, "cumulative", unit, category, concept=concept,
                        baseline_year=BASE_YEAR, baseline_value=Decimal(0))
        for year in TARGET_YEARS:
            target(indicator, year, step * (year - BASE_YEAR))
        bias = rng.uniform(0.85, 1.06)
        for year in range(START, LAST_FIGURE_YEAR + 1):
            figure(indicator, year, value=_dec(step * bias * rng.uniform(0.9, 1.1)))

    for n, (name, quantity, quantity_unit, category, typical) in enumerate(GROWTH):
        rate = rng.choice([8, 10, 12, 15])
        base = typical * scale
        own_baseline = n % 2 == 0  # the others ask for the base-year quantity as a figure
        indicator = add(name, "growth", "%", category, baseline_year=BASE_YEAR,
                        baseline_value=_dec(base) if own_baseline else None,
                        quantity_name=quantity, quantity_unit=quantity_unit)
        for year in TARGET_YEARS:
            target(indicator, year, rate)
        if not own_baseline:
            figure(indicator, BASE_YEAR, value=_dec(base))
        real = rate * rng.uniform(0.7, 1.2) / 100
        for year in range(START, LAST_FIGURE_YEAR + 1):
            figure(indicator, year, value=_dec(base * (1 + real) ** (year - BASE_YEAR)))

    for name, source in LINKED:
        indicator = add(name, "growth", "%", by_name[source].category, baseline_year=BASE_YEAR)
        links.append((indicator, by_name[source]))
        for year in TARGET_YEARS:
            target(indicator, year, rng.choice([8, 10, 12]))

    for name, category in MILESTONES:
        indicator = add(name, "milestone", "", category)
        due = rng.randint(2019, END)
        targets.append(_Pending(Target, indicator, year=due, comparator="",
                                text=rng.choice(["建成", "完成", "验收"])))
        done_in = due + rng.randint(-3, 2)
        for year in range(START, LAST_FIGURE_YEAR + 1):
            figure(indicator, year, done=year >= done_in)
    return indicators, targets, figures, links


def _tasks_build(plans, units_of, seed, step, *, coordinator, reporter, now) -> None:
    """Each plan's task table (groups → tasks → rows) with supporting units and progress."""
    groups = _bulk(Task, [
        Task(plan=plan, position=g * 100, number=f"{'一二三四五六七八九十'[g]}、", text=text)
        for plan in plans for g, text in enumerate(GROUPS)], step, "task groups")
    tasks = _bulk(Task, [
        Task(plan_id=group.plan_id, parent=group, position=group.position + t * 20 + 1,
             number=f"{t + 1}.", text=f"{group.text}：第{t + 1}项重点任务")
        for group in groups for t in range(TASKS_PER_GROUP)], step, "tasks")
    district_of = {plan.pk: plan.district_id for plan in plans}
    rows, supports, progress = [], [], []
    for task in tasks:
        rng = random.Random(f"{seed}:task:{task.pk}")
        units = units_of[district_of[task.plan_id]]
        for r in range(ROWS_PER_TASK):
            word = rng.choice(TASK_WORDS)
            rows.append(Task(
                plan_id=task.plan_id, parent=task, position=task.position + r + 1,
                number=f"（{r + 1}）",
                text=f"推进{word}相关工作，健全{word}工作机制，提升{word}工作成效。",
                lead_unit=rng.choice(units)))
    rows = _bulk(Task, rows, step, "task rows")
    for row in rows:
        rng = random.Random(f"{seed}:row:{row.pk}")
        units = [u for u in units_of[district_of[row.plan_id]] if u.pk != row.lead_unit_id]
        for position, unit in enumerate(rng.sample(units, rng.randint(0, 2))):
            supports.append(TaskSupport(task=row, unit=unit, position=position))
        begins, ends = rng.randint(START, START + 4), rng.randint(START + 3, END)
        for year in range(START, LAST_FIGURE_YEAR + 1):
            if year < begins:
                status, percent = ProgressStatus.NOT_STARTED, 0
            elif year >= ends:
                status, percent = ProgressStatus.COMPLETED, 100
            elif rng.random() < 0.1:
                status, percent = ProgressStatus.DELAYED, rng.randint(10, 60)
            else:
                status = ProgressStatus.IN_PROGRESS
                percent = min(95, int(100 * (year - begins + 1) / (ends - begins + 1)))
            delayed = status == ProgressStatus.DELAYED
            progress.append(TaskProgress(
                task=row, year=year, quarter=0, status=status, percent=percent,
                narrative=f"{year}年度按计划推进，完成阶段性工作{percent}%。",
                reason=DELAY_REASON if delayed else "", remedy=DELAY_REMEDY if delayed else "",
                review_status=ReviewStatus.APPROVED, created_by=reporter, updated_by=reporter,
                approved_by=coordinator, approved_at=now, submitted_at=now))
    _bulk(TaskSupport, supports, step, "supporting units")
    _bulk(TaskProgress, progress, step, "task progress")
