"""The long tables' HTML helpers write what Django's own would (ipops/html.py, ipops/numbers.py)."""

from decimal import Decimal

import django.utils.html as django_html
import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from ipops.html import escape, format_html
from ipops.numbers import one_place

HOSTILE = "<script>alert('x&y')</script>\"'"


class Field:
    """Something that writes its own HTML, as a bound form field does."""

    def __html__(self):
        return '<input name="a&b">'


VALUES = [HOSTILE, "", "指标 < 100 & > 0", mark_safe("<b>已完成</b>"), gettext_lazy("已完成"),
          Field(), 25000, Decimal("21022.33"), None, 0.5, True]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_writes_what_django_writes(value):
    assert escape(value) == django_html.conditional_escape(value)


def test_escape_makes_hostile_text_inert():
    assert "<script>" not in escape(HOSTILE)
    assert escape(HOSTILE) == "&lt;script&gt;alert(&#x27;x&amp;y&#x27;)&lt;/script&gt;&quot;&#x27;"


def test_format_html_writes_what_django_writes_and_nests():
    template = '<td title="{}">{}{}</td>'
    for value in VALUES:
        ours = format_html(template, value, value, format_html("<br>{}", value))
        theirs = django_html.format_html(template, value, value,
                                         django_html.format_html("<br>{}", value))
        assert ours == theirs
        assert isinstance(ours, SafeString)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_one_place_writes_what_floatformat_writes(language):
    values = [Decimal(n) / 100 for n in range(-20000, 20001, 3)]
    values += [Decimal(n) / 1000 for n in range(-1000, 1001)]
    values += [Decimal(text) for text in ("34.04", "99.96", "-0.04", "-0.05", "1E+2", "100.0000",
                                          "-0.0", "12345.65", "123456789012.34",
                                          "33.333333333333333333")]
    with translation.override(language):
        different = [(v, floatformat(v, "-1"), one_place(v)) for v in values
                     if floatformat(v, "-1") != one_place(v)]
    assert different == []
    assert one_place(Decimal("34.04")) == "34.0" and one_place(Decimal("34")) == "34"
