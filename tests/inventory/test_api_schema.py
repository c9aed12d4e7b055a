"""schemathesis against /api/schema/: generated requests to every operation, bounded so
it fits in the suite; no answer may be a server error or disagree with the schema."""

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

EXAMPLES = 6  # per operation: enough to find a crash, small enough for every `make test`

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi_app():
    """The app over WSGI in this thread, so it shares the test's database transaction;
    as Django's test client does, requests do not close the connection."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_the_api_keeps_to_its_schema(wsgi_app, demo_user):
    token = Token.objects.get_or_create(user=demo_user("demo-finance"))[0].key
    headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    checked = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            # A savepoint per call: a database error in one answer cannot spoil the next.
            with transaction.atomic():
                case.call_and_validate(
                    headers=headers, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
                )

        run()
        checked.append(operation.label)
    assert len(checked) == len(operations)
