"""One JSON line per request, with its id; slow requests and queries at warning."""

import json
import logging

import pytest

from portal.request_log import JsonFormatter
from tests.factories import make_organization

pytestmark = pytest.mark.django_db


def request_lines(caplog):
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "portal.requests"
    ]


def test_each_request_is_one_json_line_with_its_fields(client, caplog, django_assert_num_queries):
    organization = make_organization()
    caplog.set_level(logging.INFO, logger="portal.requests")
    # The profile of an organization with no project and no list editors write: its own
    # query, its newest projects (none), its participations to count sections from (none),
    # the dumps.
    with django_assert_num_queries(4) as queries:
        response = client.get(organization.get_absolute_url())
    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["method"] == "GET"
    assert line["path"] == organization.get_absolute_url()
    assert line["status"] == 200
    assert line["queries"] == len(queries.captured_queries)
    assert line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_the_callers_request_id_is_kept(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.requests")
    response = client.get("/robots.txt", headers={"X-Request-ID": "lb-4f2a.77"})
    assert response["X-Request-ID"] == "lb-4f2a.77"
    assert request_lines(caplog)[0]["request_id"] == "lb-4f2a.77"


@pytest.mark.parametrize("bad", ["", "x" * 200, "two words", "<script>"])
def test_a_request_id_that_is_not_one_is_replaced(client, bad):
    response = client.get("/robots.txt", headers={"X-Request-ID": bad})
    assert response["X-Request-ID"] != bad and len(response["X-Request-ID"]) == 32


def test_a_404_is_logged_with_its_status(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.requests")
    client.get("/organizations/no-such-profile/")
    assert request_lines(caplog)[0]["status"] == 404


def test_slow_requests_and_queries_are_warnings(client, caplog, settings):
    organization = make_organization()
    caplog.set_level(logging.INFO, logger="portal.requests")
    client.get(organization.get_absolute_url())
    assert {line["level"] for line in request_lines(caplog)} == {"INFO"}

    caplog.clear()
    settings.SLOW_REQUEST_MS = 0  # every request and query is "slow" now
    settings.SLOW_QUERY_MS = 0
    response = client.get(organization.get_absolute_url())
    lines = request_lines(caplog)
    [request] = [line for line in lines if line["message"] == "request"]
    slow_queries = [line for line in lines if line["message"] == "slow query"]
    assert request["level"] == "WARNING"
    assert len(slow_queries) == request["queries"] > 0
    assert all(q["level"] == "WARNING" and q["sql"].startswith("SELECT") for q in slow_queries)
    assert {q["request_id"] for q in slow_queries} == {response["X-Request-ID"]}


def test_a_streamed_export_is_logged_once_sent(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.requests")
    make_organization()
    response = client.get("/organizations/export.csv")
    assert request_lines(caplog) == []  # not yet: the rows are still to be sent
    b"".join(response.streaming_content)
    response.close()
    [line] = request_lines(caplog)
    assert line["streamed"] is True and line["status"] == 200
