from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with every plan file in fixtures/ loaded, as `make run` does."""
    with django_db_blocker.unblock():
        call_command("load_plans", stdout=StringIO())


@pytest.fixture
def reader(client):
    """A client logged in as a user with no special rights (pytest-django gives `admin_client`)."""
    user = get_user_model().objects.create_user("reader", password="x-9-long-password")
    client.force_login(user)
    return client
