from django import template
from django.urls import reverse

from accounts.choices import Role
from accounts.selectors import user_district, user_role

register = template.Library()


@register.simple_tag(takes_context=True)
def people_page_url(context) -> str:
    """Where the "人员与单位" menu item leads: every person for admins, the district's people
    for coordinators, nowhere ("") for everyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    role = user_role(user)
    if role == Role.ADMIN:
        return reverse("accounts:people")
    if role == Role.COORDINATOR:
        district = user_district(user)
        return reverse("accounts:district_people", args=[district.code]) if district else ""
    return ""


@register.filter
def minutes(delta) -> int:
    """A timedelta in whole minutes, rounded up (15 for 0:15:00, 1 for 0:00:20)."""
    if not delta:
        return 0
    return -(-int(delta.total_seconds()) // 60)


@register.filter
def role_label(person) -> str:
    """A user's role as shown in lists (superusers count as admins), or ""."""
    if person.is_superuser:
        return Role.ADMIN.label
    try:
        return person.profile.get_role_display()
    except AttributeError:
        return ""


@register.simple_tag(takes_context=True)
def portal_menu(context) -> list[tuple[str, str]]:
    """The menu items of the logged-in user's role: (label, url) pairs."""
    from django.utils.translation import gettext as _

    user = getattr(context.get("request"), "user", None)
    role = user_role(user)
    district = user_district(user) if role in (Role.COORDINATOR, Role.REPORTER) else None
    items = []
    if role is not None:
        items.append((_("总览"), reverse("dashboards:overview")))
    if district:
        items.append((_("指标看板"), reverse("dashboards:district", args=[district.code])))
        items.append((_("指标填报"), reverse("indicators:entry_index", args=[district.code])))
    if role is not None:
        items.append((_("区域对比"), reverse("dashboards:compare",
                                         args=["high_value_invention_per_10k"])))
    if role in (Role.COORDINATOR, Role.REPORTER, Role.ADMIN, Role.LEADER):
        items.append((_("任务推进"), reverse("tasks:progress_home")))
    if role == Role.COORDINATOR and district:
        items.append((_("审核"), reverse("reporting:queue", args=[district.code])))
    if role == Role.ADMIN:
        items.append((_("填报轮次"), reverse("rounds:round_list")))
    return items
