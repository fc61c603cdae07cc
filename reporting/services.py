"""Writes for reported entries (figures and task progress alike): save, submit, approve, return.

Every write runs in one transaction, keeps history with who and when (django-simple-history,
in bulk), and runs a constant number of queries however many entries it touches.

Optimistic locking: each entry has a ``version``. A save names the version its user saw (0 for
an entry that did not exist yet); if the stored version differs, someone else saved first and
the save is refused with ``EntryConflict``, keeping the other person's value. The rows are read
with ``select_for_update`` (PostgreSQL locks them; SQLite runs its transactions IMMEDIATE, see
settings), so the check and the write cannot interleave with another writer.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans.models import District
from plans.signals import DISTRICT_PATHS
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound


# The steps history keeps (its change reason), stored in the portal's language whatever the
# user's, and translated when shown (reporting.history.step_label).
STEP_CREATED = gettext_noop("新建")
STEP_CHANGED = gettext_noop("修改")
STEP_CORRECTED = gettext_noop("提出更正")
STEP_WITHDRAWN = gettext_noop("撤销更正")
STEP_EXPLAINED = gettext_noop("说明滞后原因和整改措施")
STEP_SUBMITTED = gettext_noop("提交审核")
STEP_APPROVED = gettext_noop("审核通过")
STEP_RETURNED = gettext_noop("退回：")  # followed by the reason
STEP_FLAGGED = gettext_noop("标记核查")
STEP_UNFLAGGED = gettext_noop("核查完毕")


class EntryError(Exception):
    """Entries that could not be written; ``errors`` maps each entry's key to its message, and
    ``needs_reason`` holds the keys of approved entries changed without a reason (the message
    belongs beside the reason's field)."""

    def __init__(self, errors: dict, needs_reason: frozenset = frozenset()):
        super().__init__("; ".join(str(m) for m in errors.values()))
        self.errors = errors
        self.needs_reason = needs_reason


@dataclass
class EntryInput:
    """What a user asks to store for one entry, identified by its natural key."""

    key: tuple  # e.g. (indicator_id, year) or (task_id, year, quarter)
    version: int  # the version the user saw; 0 when the entry did not exist yet
    values: dict = field(default_factory=dict)
    reason: str = ""  # why an approved entry is corrected


def _conflict_message(entry) -> str:
    who = entry.updated_by.get_username() if entry.updated_by_id and entry.updated_by else _("他人")
    when = timezone.localtime(entry.updated_at).strftime("%Y-%m-%d %H:%M") if entry.updated_at else ""
    return _("此项已被 %(who)s 于 %(when)s 修改，您的修改未保存（对方的数据已保留）。请刷新页面后再改。") % {
        "who": who, "when": when,
    }


def _key_filter(key_fields: tuple[str, ...], keys: Iterable[tuple]) -> Q:
    query = Q(pk__in=[])
    for key in keys:
        query |= Q(**dict(zip(key_fields, key)))
    return query


def _split_files(values: dict) -> tuple[dict, dict]:
    """Uploaded files apart from plain values: files are stored only once the save will happen."""
    files = {k: v for k, v in values.items() if isinstance(v, UploadedFile)}
    return {k: v for k, v in values.items() if k not in files}, files


def _store_files(entry, files: dict) -> list[str]:
    """Save uploaded files through the storage API; the entry keeps their stored names."""
    stored = []
    for name, upload in files.items():
        getattr(entry, name).save(upload.name, upload, save=False)
        stored.append(getattr(entry, name).name)
        entry.evidence_name = upload.name[:255]
    return stored


# The lead unit's explanation of a red item (滞后原因, 整改措施): given on an approved entry, it
# does not change what was approved, so the entry stays approved (history keeps who and when).
EXPLANATION = {"reason", "remedy"}


def explains_only(entry, values: dict, *, files: bool = False) -> bool:
    """Whether storing ``values`` on ``entry`` only explains a red item: the entry is approved
    and nothing but its reason and remedy would change."""
    return (entry is not None and entry.review_status == ReviewStatus.APPROVED and not files
            and all(getattr(entry, k) == v for k, v in values.items() if k not in EXPLANATION))

# What a correction does not copy from the approved entry it corrects: its own identity and
# review path. Everything else (values, note, evidence, reason) starts as the approved one.
_OWN_FIELDS = {"id", "corrects", "created_by", "created_at", "updated_by", "updated_at",
               "review_status", "return_reason", "change_reason", "submitted_at",
               "submitted_late", "approved_by", "approved_at", "flagged", "flag_comment",
               "flagged_by", "flagged_at", "version"}


def content_fields(model) -> list:
    """The fields a correction starts with from the approved entry, and gives back to it when
    approved: the values, the note, the evidence, the reason and remedy."""
    return [f for f in model._meta.concrete_fields if f.name not in _OWN_FIELDS]


def _copy(source, target, fields) -> None:
    for f in fields:
        value = getattr(source, f.attname)
        setattr(target, f.attname, value.name if isinstance(value, FieldFile) else value)


def _correction_of(approved, user):
    """A new correction of an approved entry: its values, a draft of its own, versions going on.
    What a user corrects is no longer sample data."""
    correction = type(approved)(corrects=approved, created_by=user, version=approved.version)
    _copy(approved, correction, content_fields(type(approved)))
    correction.is_sample = False
    return correction


def same_as_approved(correction) -> bool:
    """A correction brought back to the approved values: nothing left to correct."""
    return all(getattr(correction, f.attname) == getattr(correction.corrects, f.attname)
               for f in content_fields(type(correction)) if f.name != "is_sample")


LOCKED = gettext_noop("此项已审核锁定；更正须填写修改原因，并重新提交审核。")
NEEDS_REASON = gettext_noop("更正须填写修改原因。")


def missing_reason(entry, values: dict, reason: str, *, files: bool = False) -> str:
    """Why storing ``values`` on ``entry`` (as its reporter works on it) needs the 修改原因 that
    ``reason`` does not give: a change of an approved entry, or a correction that would remain
    one; else "". ``entries_save`` refuses such a change; a form can say it beside the field at
    the same time as its other errors."""
    if entry is None or reason.strip() or explains_only(entry, values, files=files):
        return ""
    if entry.review_status == ReviewStatus.APPROVED:
        changes = files or any(getattr(entry, k) != v for k, v in values.items())
        return _(LOCKED) if changes else ""
    if entry.corrects_id:
        after = copy.copy(entry)
        for name, value in values.items():
            setattr(after, name, value)
        if after.has_content and (files or not same_as_approved(after)):
            return _(NEEDS_REASON)
    return ""


def entries_save(*, model: type[Model], key_fields: tuple[str, ...], inputs: list[EntryInput],
                 user, is_sample: bool = False) -> list:
    """Create or change entries, all or nothing. A changed entry goes back to draft; a changed
    approved entry stays as it is (it keeps counting) and the change becomes its correction,
    except an explanation of a red item alone (``EXPLANATION``), written on it.

    Raises ``EntryError`` (nothing written) when an entry was changed by someone else since
    its user loaded it, or when an approved entry is changed without a reason.
    """
    now = timezone.now()
    with transaction.atomic():
        wanted = [item.key for item in inputs]
        current = {}  # each key's entry as its reporter works on it: its correction, if any
        for entry in (model.objects.select_for_update(of=("self",)).select_related("updated_by")
                      .filter(_key_filter(key_fields, wanted))):
            key = tuple(getattr(entry, f) for f in key_fields)
            if entry.corrects_id or key not in current:
                current[key] = entry
        errors, changed, created, touched, pending, needs_reason = {}, [], [], set(), [], set()
        withdrawn = []
        for item in inputs:
            entry = current.get(item.key)
            if entry is None and item.version != 0 or entry is not None and entry.version != item.version:
                errors[item.key] = _conflict_message(entry) if entry else _(
                    "此项已被他人删除或更改，请刷新页面后再改。")
                continue
            if entry is None:
                entry = model(**dict(zip(key_fields, item.key)), created_by=user, version=0,
                              is_sample=is_sample)
            values, files = _split_files(item.values)
            diff = {k: v for k, v in values.items() if getattr(entry, k) != v}
            reworded = bool(entry.corrects_id and item.reason.strip() != entry.change_reason)
            if not diff and not files and entry.pk and not reworded:
                continue
            explaining = explains_only(entry, values, files=bool(files))
            missing = missing_reason(entry, values, item.reason, files=bool(files))
            if missing:
                errors[item.key] = missing
                needs_reason.add(item.key)
                continue
            if entry.review_status == ReviewStatus.APPROVED and not explaining:
                entry = _correction_of(entry, user)
            for name, value in diff.items():
                setattr(entry, name, value)
            touched.update(diff)
            if files:
                pending.append((entry, files))
                touched.update(files, {"evidence_name"})
            if entry.corrects_id and not entry.has_content:
                errors[item.key] = _("已审核的数据不能更正为空；如要撤销更正，请改回已审核的数据。")
                continue
            if entry.corrects_id and entry.pk and not files and same_as_approved(entry):
                withdrawn.append(entry)  # back to what was approved: the correction is withdrawn
                continue
            if not explaining:
                entry.change_reason = item.reason.strip()  # a correction's; no other draft has one
                entry.review_status = ReviewStatus.DRAFT
            entry.updated_by, entry.updated_at = user, now
            entry.version += 1
            (changed if entry.pk else created).append(entry)
        if errors:
            raise EntryError(errors, frozenset(needs_reason))
        stored = [name for entry, files in pending for name in _store_files(entry, files)]
        for entry in withdrawn:  # its history keeps it, and the step
            entry._history_user, entry._change_reason = user, STEP_WITHDRAWN
            entry.delete()
        if withdrawn:
            _mark_districts(model, [e.corrects for e in withdrawn])
        try:
            _write(model, key_fields, changed, created, touched, user)
        except BaseException:
            for name in stored:  # nothing points to them: the rows were not written
                model._meta.get_field("evidence_file").storage.delete(name)
            raise
    return changed + created + [e.corrects for e in withdrawn]


def _mark_districts(model, entries) -> None:
    """The districts of these entries have changed data (one query)."""
    District.objects.filter(pk__in=model.objects.filter(pk__in=[e.pk for e in entries])
                            .values(DISTRICT_PATHS[model._meta.label])).mark_changed()


def _write(model, key_fields, changed, created, touched, user) -> None:
    """Write the changed and the new entries in bulk, each with its history row."""
    fields = sorted(touched | {"change_reason", "review_status", "updated_by", "updated_at",
                               "version"})
    # only an explained entry is still approved here (a changed one is a draft or a correction)
    for entries, reason in (([e for e in changed if e.review_status != ReviewStatus.APPROVED],
                             STEP_CHANGED),
                            ([e for e in changed if e.review_status == ReviewStatus.APPROVED],
                             STEP_EXPLAINED)):
        if entries:
            bulk_update_with_history(entries, model, fields, default_user=user,
                                     default_change_reason=reason)
    if created:
        try:
            with transaction.atomic():
                for new, reason in (([e for e in created if not e.corrects_id], STEP_CREATED),
                                    ([e for e in created if e.corrects_id], STEP_CORRECTED)):
                    if new:
                        bulk_create_with_history(new, model, default_user=user,
                                                 default_change_reason=reason)
        except IntegrityError:
            raise EntryError({e_key(e, key_fields): _(
                "此项刚刚已由他人填报，您的数据未保存（对方的数据已保留）。请刷新页面后再改。")
                for e in created})
    if changed or created:
        _mark_districts(model, changed + created)


def e_key(entry, key_fields) -> tuple:
    return tuple(getattr(entry, f) for f in key_fields)


def _transition(entries, *, user, allowed, apply, reason: str, seen: dict | None = None) -> int:
    """Move entries whose status is in ``allowed`` with ``apply``; history records the step.

    ``seen`` maps an entry's pk to the version its reviewer saw (None: not checked): an entry
    changed since is left as it is. A correction that ``apply`` approves is merged into the
    entry it corrects (``_merge``). Returns how many moved."""
    entries = list(entries)
    if not entries:
        return 0
    model, seen = type(entries[0]), seen or {}
    with transaction.atomic():
        locked = [entry for entry in model.objects.select_for_update(of=("self",))
                  .filter(pk__in=[e.pk for e in entries], review_status__in=allowed)
                  if seen.get(entry.pk) in (None, entry.version)]
        fields: set[str] = set()
        for entry in locked:
            fields.update(apply(entry))
            entry.updated_at = timezone.now()
            entry.version += 1
        approved = [e for e in locked
                    if e.corrects_id and e.review_status == ReviewStatus.APPROVED]
        rest = [e for e in locked if e not in approved]
        if rest:
            bulk_update_with_history(rest, model, sorted(fields | {"updated_at", "version"}),
                                     default_user=user, default_change_reason=reason)
        if approved:
            _merge(model, approved, fields, user=user, reason=reason)
        if locked:
            _mark_districts(model, rest + [e.corrects for e in approved])
    return len(locked)


def _merge(model, corrections, fields: set[str], *, user, reason: str) -> None:
    """Approved corrections: their values and review go onto the entries they correct, which
    keep their pk and history and take the correction's version; then the corrections go (their
    own history stays). A few queries per correction: corrections are rare."""
    originals = {e.pk: e for e in model.objects.select_for_update(of=("self",))
                 .filter(pk__in=[c.corrects_id for c in corrections])}
    # when the year was reported (on time or late) stays the approved entry's
    taken = content_fields(model) + [model._meta.get_field(name) for name in sorted(
        fields | {"change_reason", "updated_by", "updated_at", "version"})]
    for correction in corrections:
        correction.corrects = originals[correction.corrects_id]
        _copy(correction, correction.corrects, taken)
    bulk_update_with_history(list(originals.values()), model, [f.name for f in taken],
                             default_user=user, default_change_reason=reason)
    for correction in corrections:
        correction._history_user = user
        correction.delete()


def _round_deadlines(years) -> dict:
    return dict(ReportingRound.objects.filter(year__in=set(years)).values_list("year", "deadline"))


def entries_submit(*, entries, user) -> int:
    """Draft and returned entries → submitted; marked late after their round's deadline."""
    entries = [e for e in entries if e.has_content]
    deadlines = _round_deadlines(e.year for e in entries)
    now = timezone.now()

    def apply(entry):
        entry.review_status = ReviewStatus.SUBMITTED
        entry.submitted_at = now
        deadline = deadlines.get(entry.year)  # a correction is not the year's report: not late
        entry.submitted_late = bool(deadline and timezone.localdate(now) > deadline
                                    and not entry.corrects_id)
        entry.updated_by = user
        return {"review_status", "submitted_at", "submitted_late", "updated_by"}

    return _transition(entries, user=user, allowed=[ReviewStatus.DRAFT, ReviewStatus.RETURNED],
                       apply=apply, reason=STEP_SUBMITTED)


def entries_approve(*, entries, user, seen: dict | None = None) -> int:
    """Submitted entries → approved (locked; they now count in progress). ``seen``: the
    versions the reviewer saw (pk → version); an entry changed since is not approved."""
    now = timezone.now()

    def apply(entry):
        entry.review_status = ReviewStatus.APPROVED
        entry.approved_by, entry.approved_at = user, now
        entry.return_reason = ""
        return {"review_status", "approved_by", "approved_at", "return_reason"}

    return _transition(entries, user=user, allowed=[ReviewStatus.SUBMITTED], apply=apply,
                       reason=STEP_APPROVED, seen=seen)


def entries_return(*, entries, user, reason: str, seen: dict | None = None) -> int:
    """Submitted entries → returned to the reporter with a reason (``seen`` as for
    ``entries_approve``)."""
    reason = reason.strip()
    if not reason:
        raise EntryError({None: _("退回时须填写退回原因。")})

    def apply(entry):
        entry.review_status = ReviewStatus.RETURNED
        entry.return_reason = reason
        entry.approved_by, entry.approved_at = user, None
        return {"review_status", "return_reason", "approved_by", "approved_at"}

    return _transition(entries, user=user, allowed=[ReviewStatus.SUBMITTED], apply=apply,
                       reason=STEP_RETURNED + reason[:80], seen=seen)


def entry_flag(*, entry, user, comment: str) -> None:
    """A coordinator flags an entry for follow-up (核查); it stays listed until cleared."""
    comment = comment.strip()
    if not comment:
        raise EntryError({None: _("请填写核查意见。")})
    entry.flagged, entry.flag_comment = True, comment
    entry.flagged_by, entry.flagged_at = user, timezone.now()
    bulk_update_with_history([entry], type(entry), ["flagged", "flag_comment", "flagged_by",
                                                    "flagged_at"],
                             default_user=user, default_change_reason=STEP_FLAGGED)


def entry_clear_flag(*, entry, user) -> None:
    entry.flagged = False
    bulk_update_with_history([entry], type(entry), ["flagged"], default_user=user,
                             default_change_reason=STEP_UNFLAGGED)
