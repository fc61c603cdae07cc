import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import district_or_403, require_perm
from reporting.selectors import KINDS, entry_district, entry_for, flagged, queue_figures, queue_progress
from reporting.services import EntryError, entries_approve, entries_return


def _selected(post, key: str, figures, progress) -> tuple[list, list, dict]:
    """The queue's entries named in the POST as "figure:12:3" / "taskprogress:5:1" (kind, id and
    the version the coordinator saw), and every named id with that version by kind (for the
    services to check under lock; an entry no longer in the queue is named but not chosen)."""
    wanted = post.getlist(key) if key == "item" else [post.get(key, "")]
    seen = {"figure": {}, "taskprogress": {}}
    for item in wanted:
        kind, _sep, rest = item.partition(":")
        pk, _sep, version = rest.partition(":")
        if kind in seen and pk.isdigit():
            seen[kind][int(pk)] = int(version) if version.isdigit() else None
    return ([f for f in figures if f.pk in seen["figure"]],
            [p for p in progress if p.pk in seen["taskprogress"]], seen)


def _one(post, key: str) -> str:
    """"figure:12" of the button "figure:12:3": the name its reason box carries."""
    kind, _sep, rest = post.get(key, "").partition(":")
    return f"{kind}:{rest.partition(':')[0]}"


def queue(request, code):
    """The coordinator's queue of the district's submissions: approve or return, per item or in bulk.

    An entry changed (or reviewed by someone else) after the page was opened is left as it is,
    and the coordinator is told so: nobody approves a value they did not see."""
    district = district_or_403(request, code, "reporting.approve")
    figures, progress = list(queue_figures(district)), list(queue_progress(district))
    if request.method == "POST":
        if request.POST.get("approve_one") or request.POST.get("return_one"):
            action = "approve" if request.POST.get("approve_one") else "return"
            key = "approve_one" if action == "approve" else "return_one"
            reason = request.POST.get(f"reason_{_one(request.POST, key)}", "")
        else:
            action, key, reason = request.POST.get("bulk"), "item", request.POST.get("bulk_reason", "")
        chosen_figures, chosen_progress, seen = _selected(request.POST, key, figures, progress)
        named = len(seen["figure"]) + len(seen["taskprogress"])
        n = None
        if not named:
            messages.error(request, _("请先选择要审核的数据。"))
        elif action == "approve":
            n = entries_approve(entries=chosen_figures, user=request.user, seen=seen["figure"])
            n += entries_approve(entries=chosen_progress, user=request.user,
                                 seen=seen["taskprogress"])
            if n:
                messages.success(request, _("已审核通过 %(n)s 项。") % {"n": n})
        elif action == "return":
            try:
                n = entries_return(entries=chosen_figures, user=request.user, reason=reason,
                                   seen=seen["figure"])
                n += entries_return(entries=chosen_progress, user=request.user, reason=reason,
                                    seen=seen["taskprogress"])
            except EntryError:
                messages.error(request, _("退回时须填写退回原因，未退回任何数据。"))
            else:
                if n:
                    messages.success(request, _("已退回 %(n)s 项。") % {"n": n})
        if n is not None and n < named:  # changed, withdrawn or reviewed since the page was shown
            messages.warning(request, _(
                "有 %(n)s 项在您打开本页后已被修改或已由他人审核，未作处理。请查看下方的最新数据后再审核。")
                % {"n": named - n})
        return redirect("reporting:queue", code=code)
    return render(request, "reporting/queue.html", {
        "district": district, "figures": figures, "progress": progress,
    })


def flags(request, code):
    """Entries flagged for follow-up (核查), listed until a coordinator clears them."""
    district = district_or_403(request, code, "plans.view_district")
    figures, progress = flagged(district)
    return render(request, "reporting/flags.html", {
        "district": district, "figures": figures, "progress": progress,
    })


def evidence(request, kind, pk):
    """An evidence file, served only to users who may see the entry's district."""
    if kind not in KINDS:
        raise Http404
    try:
        entry = entry_for(kind, pk)
    except KINDS[kind].DoesNotExist:
        raise Http404
    require_perm(request, "plans.view_district", entry_district(kind, entry))
    if not entry.evidence_file:
        raise Http404(_("没有佐证材料"))
    name = entry.evidence_name or entry.evidence_file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(entry.evidence_file.open("rb"), as_attachment=True, filename=name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
