"""Test set-up: a real PostGIS test database with the Nghệ An reference data and the
demo data set (seed 1) loaded once per session; each test runs in a transaction on top."""

import pytest
from django.core.management import call_command

from inventory import demo
from inventory.models import User
from inventory.reference_data import load_province
from maps.demo import create_demo_layers, create_demo_roads, demo_layers_present, demo_roads_present

DEMO_SEED = 1


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    # pytest-django sets up the test database only when a collected test is marked
    # django_db; never load test data into the development database.
    assert connection.settings_dict["NAME"].startswith("test_"), "tests must be marked django_db"
    with django_db_blocker.unblock():
        load_province("40")
        if not demo.demo_present():
            demo.generate(seed=DEMO_SEED)
        if not demo_layers_present():
            create_demo_layers()
        elif not demo_roads_present():  # a test database kept from before the demo had roads
            create_demo_roads()
    yield


@pytest.fixture
def demo_user(db):
    def get(username):
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_as(client, demo_user):
    """A test client logged in as a demo user: client_as("demo-finance")."""

    def login(username):
        client.force_login(demo_user(username))
        return client

    return login


@pytest.fixture
def call(db):
    """Run a management command in a language (English unless told) and return its stdout."""
    import io

    from django.utils import translation

    def run(*args, language="en", **kwargs):
        out = io.StringIO()
        with translation.override(language):
            call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
        return out.getvalue()

    return run


def pytest_collection_modifyitems(config, items):
    """Browser tests last: the live server commits what they do, so they must not run
    before tests that expect the untouched demo data."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
