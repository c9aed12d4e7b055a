"""schemathesis against /api/schema/, as its command line runs with `--checks all`:
every phase (the schema's examples, coverage of each parameter's edges, fuzzing, and
stateful links when there are any) over every operation, as an auditor (who may read
everything and write nothing) and as Finance (who may carry out handling steps), with
all checks — no server error, only documented statuses, content types and headers,
bodies that match the schema, schema-valid requests accepted and invalid ones refused,
and calls without credentials refused. 0 failures."""

import datetime as dt
import re

import pytest
import schemathesis
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import connections
from django.utils import timezone
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.transport.wsgi import WSGITransport

# Per operation and phase: enough to find each fault of issue 11 (they were found with
# these settings on the code before the fix), small enough for every `make test`.
EXAMPLES = 12
SEED = 11

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def wsgi_app(monkeypatch):
    """The app over WSGI, sharing this test's database connection (and so its
    transaction) with schemathesis' worker thread; requests do not close it."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # schemathesis 4.32 hands socket options to werkzeug's test client, which refuses them.
    send = WSGITransport.send

    def send_in_process(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", send_in_process)
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    connection = connections["default"]
    connection.inc_thread_sharing()
    app = get_wsgi_application()

    def shared(environ, start_response):
        connections["default"] = connection
        return app(environ, start_response)

    yield shared
    connection.dec_thread_sharing()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


RING = {  # the innermost lists of points of a WKT or GeoJSON polygon, and one point of each
    "wkt": (re.compile(r"\(([^()]+)\)"), re.compile(r"[^,]+")),
    "json": (re.compile(r"\[((?:\[[^\[\]]+\], ?)+\[[^\[\]]+\])\]"), re.compile(r"\[[^\[\]]+\]")),
}


def _closed(area: str) -> str | None:
    """`area` with each ring ending where it starts, or None if that is no valid polygon."""
    ring, point = RING["json" if area.startswith("{") else "wkt"]

    def close(match):
        inner = match.group(1)
        points = point.findall(inner)
        last = inner.rindex(points[-1].strip())
        return match.group(0).replace(inner, inner[:last] + points[0].strip(), 1)

    try:
        closed = ring.sub(close, area)
        return closed if GEOSGeometry(closed).valid else None  # numbers within ±180/±90 by the pattern
    except (ValueError, IndexError, GEOSException, GDALException):
        return None


def _as_a_client_sends_it(context, case):
    """What JSON Schema cannot say, applied to the requests generated as valid (invalid
    ones are left as they are, to be refused):
    - a cursor is only taken from a `next`/`previous` link, never made up (a made-up
      one is refused with a 400: test_api_faults);
    - a box has west < east and south < north; a polygon's rings are closed and do
      not cross themselves;
    - `as_of` and the dates of a decision or hand-over are today or earlier; a week of
      the weekly return is this week or earlier, and exists."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    query = case.query if isinstance(case.query, dict) else {}
    query.pop("cursor", None)
    _fix_area(query)
    today = timezone.localdate().isoformat()
    if isinstance(query.get("as_of"), str) and query["as_of"] > today:
        query["as_of"] = today
    if isinstance(query.get("week"), str) and re.fullmatch(r"\d{4}-W\d{2}", query["week"]):
        query["week"] = _existing_week(query["week"])
    if isinstance(case.body, dict):
        for name in ("decision_date", "handover_date"):
            if isinstance(case.body.get(name), str) and case.body[name] > today:
                case.body[name] = today
    return case


def _fix_area(query: dict) -> None:
    """A box with its sides in order and a polygon with closed rings, or none when that is no area."""
    if isinstance(query.get("bbox"), str):
        w, s, e, n = query["bbox"].split(",")
        (w, e), (s, n) = sorted((w, e), key=float), sorted((s, n), key=float)
        if float(w) < float(e) and float(s) < float(n):
            query["bbox"] = f"{w},{s},{e},{n}"
        else:
            del query["bbox"]
    if isinstance(query.get("within"), str):
        query["within"] = _closed(query["within"])
        if query["within"] is None:
            del query["within"]


def _existing_week(week: str) -> str:
    """A week of the weekly return as a client sends it: no later than this week, and a
    week 53 only in a year that has one (else week 52)."""
    year, number = int(week[:4]), int(week[6:])
    if number == 53 and dt.date(year, 12, 28).isocalendar()[1] != 53:  # 28 Dec is in the last week
        number = 52
    this_year, this_week, _day = timezone.localdate().isocalendar()
    if (year, number) > (this_year, this_week):
        year, number = this_year, this_week
    return f"{year:04d}-W{number:02d}"


def _failures(app, token):
    config = SchemathesisConfig.from_dict(
        {
            "workers": 1,
            "seed": SEED,
            "headers": {"Authorization": f"Token {token}", "Host": "127.0.0.1"},
            "checks": {"enabled": True},
            "generation": {"max-examples": EXAMPLES},
            "phases": {"stateful": {"enabled": True}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, config=config)
    schema.hook("map_case")(_as_a_client_sends_it)
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert len(operations) >= 22
    failures, errors, tested = [], [], set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            tested.add(event.label)
            for case_id, checks in event.recorder.checks.items():
                case = event.recorder.cases[case_id].value
                for check in checks:
                    if check.status == Status.FAILURE:
                        title = check.failure_info.failure.title if check.failure_info else ""
                        interaction = event.recorder.interactions.get(case_id)
                        answer = interaction.response.status_code if interaction and interaction.response else "-"
                        sent = interaction.request.method if interaction else case.method
                        failures.append(f"{check.name}: {sent} {case.formatted_path} {case.query} → {answer} {title}")
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(f"{getattr(event, 'label', '')}: {event.info.message if hasattr(event, 'info') else event}")
    assert operations <= tested, operations - tested
    return failures, errors


@pytest.mark.parametrize("username", ["demo-auditor", "demo-finance"])
def test_the_api_keeps_to_its_schema(wsgi_app, demo_user, username):
    token = Token.objects.get_or_create(user=demo_user(username))[0].key
    failures, errors = _failures(wsgi_app, token)
    assert not errors, "\n".join(errors[:20])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(set(failures))[:40])


def test_every_operation_documents_its_statuses_and_every_parameter_is_described(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"200", "401", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method == "post":
                assert {"400", "403", "404", "409", "412"} <= codes, (method, path)
            for parameter in operation.get("parameters", []):
                assert parameter.get("description", "").strip(), (method, path, parameter["name"])
    premises = {p["name"]: p for p in schema["paths"]["/api/v1/premises/"]["get"]["parameters"]}
    assert premises["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert premises["id_min"]["schema"]["maximum"] == 2**63 - 1
    for name in ("bbox", "within", "near"):
        assert "EPSG:4326" in premises[name]["description"] or "degrees" in premises[name]["description"]
