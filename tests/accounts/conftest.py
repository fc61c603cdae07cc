import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """These tests make many users; a cheap hasher keeps them quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
