"""An entry's history as people read it: who, when, which step, and each field's old → new value."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from ipops.numbers import plain_number
from reporting.choices import ReviewStatus


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
    reason: str  # why an approved entry was corrected
    changes: list[Change]


def _shown(field_name: str, value):
    if field_name == "review_status" and value:
        return ReviewStatus(value).label
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "normalize"):
        return plain_number(value)
    return value


def history_records(entry) -> list:
    """The history rows of ``entry``'s key, oldest first, with their users (one query): the
    approved entry's and those of its corrections, but not a correction's removal when it was
    approved (its values went onto the approved entry, in the row that follows)."""
    root = entry.corrects_id or entry.pk
    return list(type(entry).history.filter(Q(id=root) | Q(corrects_id=root))
                .exclude(corrects__isnull=False, history_type="-")
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
        for name in fields:
            new = getattr(record, name)
            old = getattr(previous, name) if previous is not None else None
            if previous is None and new in (None, "", False):
                continue
            if previous is None or old != new:
                changes.append(Change(labels[name], _shown(name, old), _shown(name, new)))
        user = record.history_user
        versions.append(Version(
            when=record.history_date, who=user.get_username() if user else "—",
            # a correction's first version changes the approved one: shown as a change
            kind="~" if record.history_type == "+" and record.corrects_id else record.history_type,
            step=record.history_change_reason or "",
            reason=getattr(record, "change_reason", "") or "", changes=changes,
        ))
        previous = record
    versions.reverse()
    return versions
