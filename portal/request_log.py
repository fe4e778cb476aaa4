"""One JSON line per request, with a request id; slow requests and queries at warning.

The id is the caller's X-Request-ID (a load balancer's, so its log and ours join up) when it
looks like one, a new one otherwise; the response carries it back. Queries are counted and
timed on every database alias. A streamed response (an export) is logged when it has been
sent, so its duration is how long it held the worker.
"""

import json
import logging
import re
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime

from django.conf import settings
from django.db import connections

logger = logging.getLogger("portal.requests")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("X-Request-ID", "")
        request.id = header if REQUEST_ID.fullmatch(header) else uuid.uuid4().hex
        queries = QueryCounter(request.id)
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(queries))
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        fields = {
            "request_id": request.id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "queries": queries.count,
        }
        if response.streaming:
            response._resource_closers.append(lambda: log_request(fields, started, streamed=True))
        else:
            log_request(fields, started)
        return response


def log_request(fields, started, streamed=False):
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    fields = {**fields, "duration_ms": duration_ms}
    if streamed:
        fields["streamed"] = True
    slow = duration_ms >= settings.SLOW_REQUEST_MS
    logger.log(logging.WARNING if slow else logging.INFO, "request", extra={"fields": fields})


class QueryCounter:
    """An execute wrapper (Django's database instrumentation): counts and times queries."""

    def __init__(self, request_id):
        self.request_id = request_id
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            if duration_ms >= settings.SLOW_QUERY_MS:
                logger.warning(
                    "slow query",
                    extra={
                        "fields": {
                            "request_id": self.request_id,
                            "duration_ms": round(duration_ms, 1),
                            "sql": sql[:1000],
                        }
                    },
                )


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message, then its fields."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
