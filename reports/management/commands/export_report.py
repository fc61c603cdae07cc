"""Write an assessment workbook to a file, built by the same code as the download buttons.

    python manage.py export_report --district binhai --year 2023 -o 滨海-2023.xlsx
    python manage.py export_report --district binhai --year 2023 --kind tasks -o tasks.xlsx
    python manage.py export_report --year 2023 --kind summary -o summary.xlsx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import District, Unit
from reports import indicators, selectors, summary, tasks

KINDS = ("indicators", "tasks", "summary")


class Command(BaseCommand):
    help = ("Write 指标完成情况表 (indicators), 任务推进情况表 (tasks) or the leaders' summary "
            "(summary, every district unless --district is given) as an .xlsx file.")

    def add_arguments(self, parser):
        parser.add_argument("--district", help="district code, e.g. binhai")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--kind", choices=KINDS, default="indicators")
        parser.add_argument("--plan", type=int, help="plan id (default: the plan in force)")
        parser.add_argument("--unit", type=int, help="tasks: only the rows of this unit id")
        parser.add_argument("--status", default="",
                            help="indicators: a progress status; tasks: a task status or none")
        parser.add_argument("-o", "--output", help="file to write (default: the report's name)")

    def handle(self, *args, district=None, year, kind, plan=None, unit=None, status="",
                output=None, **options):
        if kind == "summary":
            districts = District.objects.all()
            if district:
                districts = districts.filter(code=district)
                if not districts.exists():
                    raise CommandError(f"no district with code {district!r}")
            report = selectors.summary_report(districts=districts, year=year)
            content, name = summary.workbook_bytes(report), summary.filename(report)
        else:
            if not district:
                raise CommandError(f"--district is required for --kind {kind}")
            try:
                found = District.objects.get(code=district)
            except District.DoesNotExist:
                raise CommandError(f"no district with code {district!r}")
            if kind == "indicators":
                content, name = self._indicators(found, year, plan, status)
            else:
                content, name = self._tasks(found, year, plan, unit, status)
        path = Path(output or name)
        path.write_bytes(content)
        self.stdout.write(f"{path} ({len(content)} bytes)")

    def _plan(self, district, year, plan_id):
        plan = selectors.plan_for(district, year, plan_id)
        if plan is None:
            raise CommandError(f"district {district.code!r} has no plan"
                               + (f" with id {plan_id}" if plan_id else ""))
        return plan

    def _indicators(self, district, year, plan_id, status):
        filters = selectors.IndicatorFilters.from_query({"status": status})
        if status and not filters.status:
            raise CommandError(f"unknown indicator status {status!r}")
        report = selectors.indicator_report(district=district, plan=self._plan(
            district, year, plan_id), year=year, filters=filters)
        return indicators.workbook_bytes(report), indicators.filename(report)

    def _tasks(self, district, year, plan_id, unit_id, status):
        plan = self._plan(district, year, plan_id) if plan_id else None
        unit = None
        if unit_id:
            unit = Unit.objects.filter(district=district, pk=unit_id).first()
            if unit is None:
                raise CommandError(f"district {district.code!r} has no unit {unit_id}")
        if status and status not in {str(s) for s in selectors.TASK_STATUSES}:
            raise CommandError(f"unknown task status {status!r}")
        report = selectors.task_report(district=district, year=year, plan=plan, unit=unit,
                                       status=status)
        return tasks.workbook_bytes(report), tasks.filename(report)
