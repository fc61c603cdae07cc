"""An entry's history as people read it: who, when, which step, and each field's old → new value."""

from __future__ import annotations

from dataclasses import dataclass

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


def entry_history(entry, *, fields: list[str]) -> list[Version]:
    """Every saved version of ``entry``, newest first, with what changed from the one before.

    One query (the history rows with their users) whatever the number of versions.
    """
    records = list(entry.history.select_related("history_user").order_by("history_date",
                                                                         "history_id"))
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
            kind=record.history_type, step=record.history_change_reason or "",
            reason=getattr(record, "change_reason", "") or "", changes=changes,
        ))
        previous = record
    versions.reverse()
    return versions
