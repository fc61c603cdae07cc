from django.db import models


class DistrictSnapshot(models.Model):
    """The overview's summary of one district as of one year, kept so that the overview of
    hundreds of districts need not run the progress engine for every indicator on each request.

    ``data`` is what ``dashboards.selectors.district_summary_data`` computed (through the
    progress engine) when the district's ``data_version`` was ``version`` and the progress rules
    were ``rules``; a row whose version or rules differ from today's is stale and is computed
    again. ``year`` 0 holds the district's latest year with approved figures.
    """

    district = models.ForeignKey("plans.District", on_delete=models.CASCADE,
                                 related_name="snapshots")
    year = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField()
    rules = models.CharField(max_length=32)
    data = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "year"],
                                               name="snapshot_unique_district_year")]

    def __str__(self):
        return f"{self.district_id} {self.year} v{self.version}"
