from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COORDINATOR = "coordinator", _("区管理员")
    REPORTER = "reporter", _("填报员")
    LEADER = "leader", _("领导")


# Roles that belong to one district (and are managed by that district's coordinators).
DISTRICT_ROLES = (Role.COORDINATOR, Role.REPORTER)
