from django.db import models


class DistrictSnapshot(models.Model):
    """A summary of one district as of one year, kept so that pages and reports over hundreds
    of districts need not run the progress engine for every indicator on each request.

    ``kind`` says whose summary it is: the overview's (``data`` is what
    ``dashboards.selectors.district_summary_data`` computed) or the summary workbook's
    (``reports.selectors.summary_data``). Either was computed through the progress engine when
    the district's ``data_version`` was ``version`` and the progress rules were ``rules``; a row
    whose version or rules differ from today's is stale and is computed again. The overview's
    ``year`` 0 holds the district's latest year with approved figures.
    """

    OVERVIEW, SUMMARY = "overview", "summary"

    district = models.ForeignKey("plans.District", on_delete=models.CASCADE,
                                 related_name="snapshots")
    kind = models.CharField(max_length=16, default=OVERVIEW)
    year = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField()
    rules = models.CharField(max_length=32)
    data = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "kind", "year"],
                                               name="snapshot_unique_district_kind_year")]

    def __str__(self):
        return f"{self.district_id} {self.kind} {self.year} v{self.version}"
