"""Single saves and deletes of what a district's progress is computed from mark the district
changed (``District.data_version``), wherever they come from: the admin, a coordinator's page,
a script. Bulk writes send no signals; the services that make them call ``mark_changed``
themselves (reporting.services, plans.demo)."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from plans.models import District

# Each model whose rows feed a district's progress and summaries, with the lookup from one of
# its rows to the district.
DISTRICT_PATHS = {
    "plans.Plan": "district",
    "plans.Unit": "district",
    "indicators.Indicator": "plan__district",
    "indicators.Target": "indicator__plan__district",
    "indicators.Figure": "indicator__plan__district",
    "tasks.Task": "plan__district",
    "tasks.TaskProgress": "task__plan__district",
}


def _changed(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the rows may not all be there yet
        return
    path = DISTRICT_PATHS[sender._meta.label]
    if path == "district":
        District.objects.filter(pk=instance.district_id).mark_changed()
        return
    # The first step of the path is a foreign key of the instance itself: no query to read it.
    first, rest = path.split("__", 1)
    related = sender._meta.get_field(first).related_model
    parent_id = getattr(instance, f"{first}_id")
    District.objects.filter(
        pk__in=related.objects.filter(pk=parent_id).values(rest)).mark_changed()


def connect() -> None:
    for label in DISTRICT_PATHS:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"district-changed-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"district-deleted-{label}")
