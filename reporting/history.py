"""An entry's history as people read it: who, when, which step, and each field's old → new value."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from ipops.numbers import plain_number
from reporting.choices import ReviewStatus
from reporting.services import STEP_RETURNED, STEP_WITHDRAWN


@dataclass
class Change:
    label: str
    old: object
    new: object


@dataclass
class Version:
    when: object
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    step: str  # the history's change reason: 新建 / 修改 / 提交审核 / 审核通过 / 退回：…
    reason: str  # why an approved entry was corrected, on the version that gave it
    changes: list[Change]


def _shown(field_name: str, value):
    if field_name == "review_status" and value:
        return ReviewStatus(value).label
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "normalize"):
        return plain_number(value)
    return value


def step_label(text: str) -> str:
    """A stored history step (新建, 提交审核, 退回：…) in the user's language."""
    if text.startswith(STEP_RETURNED):
        return _("退回：%(reason)s") % {"reason": text[len(STEP_RETURNED):]}
    return _(text) if text else ""


# A correction's removal when it was approved: its values went onto the approved entry, in the
# history row that follows (a withdrawal is shown: it is a step of its own).
MERGED = Q(corrects__isnull=False, history_type="-") & ~Q(history_change_reason=STEP_WITHDRAWN)


def merged_into(model, pk: int) -> int | None:
    """The entry that the approved (and so removed) correction ``pk`` was merged into, if it
    still exists: an old address of the correction leads there."""
    merged = model.history.filter(id=pk, corrects__isnull=False).values_list(
        "corrects_id", flat=True).first()
    return merged if merged is not None and model.objects.filter(pk=merged).exists() else None


def starts_correction(record) -> bool:
    """A correction's first version: a draft began beside the approved entry, which was not
    demoted (history shows it as a change of that entry)."""
    return record.history_type == "+" and record.corrects_id is not None


def history_records(entry) -> list:
    """The history rows of ``entry``'s key, oldest first, with their users (one query): the
    approved entry's and those of its corrections (but ``MERGED``)."""
    root = entry.corrects_id or entry.pk
    return list(type(entry).history.filter(Q(id=root) | Q(corrects_id=root)).exclude(MERGED)
                .select_related("history_user").order_by("history_date", "history_id"))


def entry_history(entry, *, fields: list[str], records: list | None = None) -> list[Version]:
    """Every saved version of ``entry`` (and of its corrections), newest first, with what
    changed from the one before.

    One query (``history_records``) whatever the number of versions, none if ``records``
    are given.
    """
    records = history_records(entry) if records is None else records
    labels = {name: str(entry._meta.get_field(name).verbose_name) for name in fields}
    versions, previous = [], None
    for record in records:
        changes = []
        begins = starts_correction(record)
        for name in fields:
            new = getattr(record, name)
            old = getattr(previous, name) if previous is not None else None
            if previous is None and new in (None, "", False):
                continue
            if previous is None or old != new:
                shown_old = None if begins and name == "review_status" else _shown(name, old)
                changes.append(Change(labels[name], shown_old, _shown(name, new)))
        user = record.history_user
        reason = getattr(record, "change_reason", "") or ""
        versions.append(Version(
            when=record.history_date, who=user.get_username() if user else "—",
            kind="~" if begins or record.history_type == "-" else record.history_type,
            step=step_label(record.history_change_reason or ""),
            # the reason where it was given, not again on each review step after it
            reason=reason if previous is None or reason != previous.change_reason else "",
            changes=changes,
        ))
        previous = record
    versions.reverse()
    return versions
