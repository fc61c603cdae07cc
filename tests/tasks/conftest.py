import pytest

from tasks.models import Task
from tests.users import make_user

YEAR = 2023  # inside the Binhai plan's period (2022–2024)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def binhai_task(db):
    """Binhai sub-item (1): led by 区市场监管局（知识产权局）, supported by 区科技局."""
    return Task.objects.get(plan__district__code="binhai", number="（1）")


@pytest.fixture
def wuqing_task(db):
    return Task.objects.rows().filter(plan__district__code="wuqing").order_by("position").first()


@pytest.fixture
def reporter_keji(db):
    """A Binhai reporter of 区科技局, a supporting unit of sub-item (1)."""
    return make_user("reporter_keji", "reporter", "binhai", "区科技局")


@pytest.fixture
def reporter_sifa(db):
    """A Binhai reporter of 区司法局, which neither leads nor supports sub-item (1)."""
    return make_user("reporter_sifa", "reporter", "binhai", "区司法局")
