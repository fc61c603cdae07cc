from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with every plan file in fixtures/ loaded, as `make run` does."""
    with django_db_blocker.unblock():
        call_command("load_plans", stdout=StringIO())
