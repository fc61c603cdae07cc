"""Who may do what: every right in the portal is decided here.

Each permission is a predicate over (user, object) registered with django-rules; code asks
through Django's usual ``user.has_perm(name, obj)`` (or ``require_perm`` in accounts/access.py).

| permission              | object   | granted to                                                  |
|-------------------------|----------|-------------------------------------------------------------|
| plans.view_district     | District | admin; leader with all districts or that one granted;       |
|                         |          | coordinator or reporter of the district                     |
| indicators.enter_figures| District | admin; coordinator or reporter of the district              |
| reporting.approve       | District | admin; coordinator of the district                          |
| tasks.report_progress   | Task     | admin; coordinator of the task's district; reporter of that |
|                         |          | district whose unit leads the task                          |
| tasks.contribute        | Task     | admin; reporter of the task's district whose unit is one of |
|                         |          | its supporting units                                        |
| accounts.manage_district| District | admin; coordinator of the district                          |
| accounts.manage_person  | User     | admin; coordinator of the district the person reports for,  |
|                         |          | and a coordinator's own account (other coordinators: admin) |
| accounts.administer     | none     | admin                                                       |

A district's rights never pass to the districts inside it: a grant names each district.
Inactive users and users without a profile have none of these rights. Django itself grants
every permission to an active superuser, who counts as an admin here too.

The predicates run no query beyond reading the user's profile once (and a leader's granted
districts once), except that a task's district is read through ``task.plan`` (fetch tasks with
``select_related("plan")``) and its supporting units through ``task.supporting_units``
(prefetch them when checking many tasks).
"""

import rules

from accounts.choices import Role
from accounts.selectors import leader_sees, user_district_id, user_role, user_unit_id


@rules.predicate
def is_admin(user):
    return user_role(user) == Role.ADMIN


@rules.predicate
def is_district_coordinator(user, district):
    return (
        district is not None
        and user_role(user) == Role.COORDINATOR
        and user_district_id(user) == district.pk
    )


@rules.predicate
def is_district_reporter(user, district):
    return (
        district is not None
        and user_role(user) == Role.REPORTER
        and user_district_id(user) == district.pk
    )


@rules.predicate
def is_granted_leader(user, district):
    return district is not None and leader_sees(user, district.pk)


def _task_district_id(task):
    return task.plan.district_id


@rules.predicate
def is_task_coordinator(user, task):
    return (
        task is not None
        and user_role(user) == Role.COORDINATOR
        and user_district_id(user) == _task_district_id(task)
    )


@rules.predicate
def is_lead_unit_reporter(user, task):
    unit_id = user_unit_id(user)
    return (
        task is not None
        and unit_id is not None
        and task.lead_unit_id == unit_id
        and user_district_id(user) == _task_district_id(task)
    )


@rules.predicate
def is_supporting_unit_reporter(user, task):
    unit_id = user_unit_id(user)
    if task is None or unit_id is None or user_district_id(user) != _task_district_id(task):
        return False
    prefetched = getattr(task, "_prefetched_objects_cache", {}).get("supporting_units")
    if prefetched is not None:
        return any(unit.pk == unit_id for unit in prefetched)
    return task.supporting_units.filter(pk=unit_id).exists()


@rules.predicate
def is_persons_coordinator(user, person):
    """A coordinator manages their district's reporters and their own account."""
    if person is None or user_role(user) != Role.COORDINATOR:
        return False
    if person.pk == user.pk:
        return True
    profile = getattr(person, "profile", None)  # None without one
    return (not person.is_superuser and profile is not None and profile.role == Role.REPORTER
            and profile.district_id == user_district_id(user))


rules.add_perm(
    "plans.view_district",
    is_admin | is_granted_leader | is_district_coordinator | is_district_reporter,
)
rules.add_perm(
    "indicators.enter_figures", is_admin | is_district_coordinator | is_district_reporter
)
rules.add_perm("reporting.approve", is_admin | is_district_coordinator)
rules.add_perm("tasks.report_progress", is_admin | is_task_coordinator | is_lead_unit_reporter)
rules.add_perm("tasks.contribute", is_admin | is_supporting_unit_reporter)
rules.add_perm("accounts.manage_district", is_admin | is_district_coordinator)
rules.add_perm("accounts.manage_person", is_admin | is_persons_coordinator)
rules.add_perm("accounts.administer", is_admin)
