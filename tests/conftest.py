from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation


def pytest_collection_modifyitems(items):
    """Browser tests last: their live server empties the database after each of them."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def portal_language():
    """Each test starts in the portal's language. The language middleware activates the
    language of each request in its thread, as Django's does, and a test that asked for a page
    in English would otherwise leave English active for the next test's own calls."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


# Portal users with roles (tests/users.py); every password is tests.users.PASSWORD.

@pytest.fixture
def admin_user_portal(db):
    from tests.users import make_user

    return make_user("admin_portal", "admin", superuser=True)


@pytest.fixture
def coordinator_binhai(db):
    from tests.users import make_user

    return make_user("coord_binhai", "coordinator", "binhai")


@pytest.fixture
def reporter_binhai(db):
    from tests.users import make_user

    return make_user("reporter_binhai", "reporter", "binhai", "区市场监管局（知识产权局）")


@pytest.fixture
def leader_all(db):
    from tests.users import make_user

    return make_user("leader_all", "leader", all_districts=True)


@pytest.fixture
def leader_binhai(db):
    from tests.users import make_user

    return make_user("leader_binhai", "leader", districts=["binhai"])


@pytest.fixture
def reporter_wuqing(db):
    from tests.users import make_user

    return make_user("reporter_wuqing", "reporter", "wuqing", "区知识产权强区工作领导小组")


@pytest.fixture
def coordinator_wuqing(db):
    from tests.users import make_user

    return make_user("coord_wuqing", "coordinator", "wuqing")


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a new test client logged in as ``user``."""
    from django.test import Client

    def logged_in(user):
        client = Client()
        client.force_login(user)
        return client

    return logged_in
