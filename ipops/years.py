"""The years a page or a workbook may be asked about, one range for all of them."""

YEARS = range(1990, 2101)


def asked_year(request) -> int | None:
    """The ``year`` of the address when it is one of ``YEARS``, else None (the page's default)."""
    value = request.GET.get("year", "").strip()
    return int(value) if value.isdigit() and int(value) in YEARS else None
