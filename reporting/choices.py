from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    """The review path every reported entry (a figure, a task's progress) follows."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")

    @property
    def color(self) -> str:
        return {"draft": "secondary", "submitted": "info", "approved": "success",
                "returned": "danger"}[self.value]


# Entries a reporter may still change without a reason; an approved one needs a reason.
EDITABLE = (ReviewStatus.DRAFT, ReviewStatus.RETURNED, ReviewStatus.SUBMITTED)
