"""How the entry grid writes its rows: the widgets exactly as Django's templates would write
them, a label for every input, and user text escaped."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.forms.renderers import DjangoTemplates
from django.urls import reverse

from indicators.forms import FigureForm
from indicators.models import Figure, Indicator, Target
from indicators.services import grid_rows
from plans.models import Plan
from reporting.choices import ReviewStatus
from tests.users import make_user

pytestmark = pytest.mark.django_db

HOSTILE = """<b>"x" & 'y'</b>"""


def binhai_figures():
    """Figures of 滨海 2024 in the states the grid shows differently, and a red 2023."""
    plan = Plan.objects.get(district__code="binhai")
    ind = {i.number: i for i in Indicator.objects.filter(plan=plan)}
    Figure.objects.create(indicator=ind["7"], year=2024, value=Decimal("21500.5"), note=HOSTILE,
                          review_status=ReviewStatus.APPROVED, evidence_link="https://example.org")
    Figure.objects.create(indicator=ind["8"], year=2024, value=Decimal(250), reason=HOSTILE,
                          remedy=HOSTILE, review_status=ReviewStatus.RETURNED,
                          return_reason=HOSTILE, flagged=True, flag_comment=HOSTILE)
    Figure.objects.create(indicator=ind["T19"], year=2024, done=True,
                          review_status=ReviewStatus.APPROVED)
    Figure.objects.create(indicator=ind["2"], year=2023, value=Decimal(1),
                          review_status=ReviewStatus.APPROVED)  # far behind: a reason is asked
    target = Target.objects.get(indicator=ind["7"], year=2024)
    target.original_value, target.value = target.value, Decimal(22000)
    target.save()
    return plan


def bad_data(forms) -> dict:
    """Every field posted, most of them wrong, to have an error beside each kind of input."""
    data = {}
    for i, form in enumerate(forms):
        for field in form:
            value = field.value()
            data[field.html_name] = "" if value is None else value
            if field.field.show_hidden_initial:
                data[field.html_initial_name] = ""
        if "value" in form.fields:
            data[form["value"].html_name] = ["abc", "-5", "1.23456", HOSTILE][i % 4]
        if "done" in form.fields:
            data[form["done"].html_name] = "maybe"
        if "numerator" in form.fields:
            data[form["numerator"].html_name] = "x"
        data[form["evidence_link"].html_name] = HOSTILE
        data[form["version"].html_name] = "-1"
    return data


def test_the_grid_renderer_writes_what_djangos_templates_write():
    plan = binhai_figures()
    rows = grid_rows(plan=plan, year=2024)
    data = bad_data([FigureForm(row=row) for row in rows])
    compared = 0
    for args in ((), (data,)):
        for row in rows:
            fast, slow = (FigureForm(*args, row=row), FigureForm(*args, row=row,
                                                                   renderer=DjangoTemplates()))
            if args:
                assert not fast.is_valid() and not slow.is_valid()
                for form in (fast, slow):
                    form.add_errors({"nowhere": [HOSTILE]})  # a non-field error
            for mine, django in zip(fast, slow):
                assert str(mine) == str(django)
                assert str(mine.errors) == str(django.errors)
                compared += 1
            assert str(fast.non_field_errors()) == str(slow.non_field_errors())
    assert compared > 600


class Inputs(HTMLParser):
    """The grid's visible inputs, and whether each has a <label> or an aria-label."""

    def __init__(self):
        super().__init__()
        self.inputs, self.label_for, self.open_labels = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.inputs.append((attrs.get("name") or attrs.get("class"), attrs.get("id"),
                                bool(self.open_labels or attrs.get("aria-label"))))

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1

    def unlabelled(self):
        return [name for name, id_, labelled in self.inputs
                if not labelled and id_ not in self.label_for]


@pytest.mark.parametrize("code, year", [("binhai", 2024), ("baoshui", 2021)])
def test_every_input_of_the_grid_has_a_label(code, year, client_for):
    """滨海 2024: every kind of input but the base year's; 保税区 2021: a base-year quantity."""
    binhai_figures()
    plan = Plan.objects.get(district__code=code)
    client = client_for(make_user(f"coord_{code}", "coordinator", code))
    page = Inputs()
    page.feed(client.get(reverse("indicators:entry_grid", args=[code, plan.pk, year]))
              .content.decode())
    kinds = {name.rsplit("-", 1)[-1] for name, _id, _labelled in page.inputs}
    assert {"value", "note", "evidence_file", "evidence_link"} <= kinds
    assert ({"done", "numerator", "denominator", "reason", "remedy", "change_reason", "unlock"}
            if code == "binhai" else {"base_value"}) <= kinds
    assert page.unlabelled() == []


def test_user_text_in_the_grid_is_escaped(client_for, coordinator_binhai):
    plan = binhai_figures()
    content = client_for(coordinator_binhai).get(
        reverse("indicators:entry_grid", args=["binhai", plan.pk, 2024])).content.decode()
    assert "<b>" not in content
    assert "&lt;b&gt;&quot;x&quot; &amp; &#x27;y&#x27;&lt;/b&gt;" in content
    assert 'title="&lt;b&gt;' in content  # the flag comment, in an attribute
