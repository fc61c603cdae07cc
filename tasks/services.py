"""Writes for task progress (through the shared reporting services) and contributions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from reporting.choices import ReviewStatus
from reporting.services import EntryError, EntryInput, entries_save, entries_submit
from tasks.models import Task, TaskContribution, TaskProgress

KEY_FIELDS = ("task_id", "year", "quarter")


@dataclass
class ProgressSaved:
    entry: TaskProgress
    changed: bool  # something was written
    submitted: bool  # the entry went to review


def progress_save(*, task: Task, year: int, quarter: int, version: int, values: dict, user,
                  change_reason: str = "", submit: bool = False) -> ProgressSaved:
    """Save the lead unit's entry for a period (a draft), then submit it when asked.

    ``version`` is the version the user loaded (0 for a new entry): if someone saved since,
    ``EntryError`` is raised with the shared message and nothing is written. An approved entry
    changes only with ``change_reason`` and then goes through approval again.
    """
    key = (task.pk, year, quarter)
    item = EntryInput(key=key, version=version, values=values, reason=change_reason)
    with transaction.atomic():
        changed = entries_save(model=TaskProgress, key_fields=KEY_FIELDS, inputs=[item], user=user)
        entry = changed[0] if changed else TaskProgress.objects.working().get(
            task=task, year=year, quarter=quarter)
        submitted = False
        if submit and not (changed and entry.review_status == ReviewStatus.APPROVED):
            if entry.review_status == ReviewStatus.APPROVED:  # (changed: a correction withdrawn)
                raise EntryError({key: _("此项已审核通过，无需再次提交；如需更正请填写修改原因。")})
            submitted = entries_submit(entries=[entry], user=user) > 0
            entry.refresh_from_db()
    return ProgressSaved(entry=entry, changed=bool(changed), submitted=submitted)


def contribution_save(*, task: Task, year: int, unit, note: str, user) -> TaskContribution:
    """Create or change a supporting unit's note on a task for a year (history keeps each)."""
    contribution = TaskContribution.objects.filter(task=task, year=year, unit=unit).first()
    if contribution is None:
        contribution = TaskContribution(task=task, year=year, unit=unit)
    contribution.note = note.strip()
    contribution.updated_by = user
    contribution._history_user = user
    contribution.save()
    return contribution
