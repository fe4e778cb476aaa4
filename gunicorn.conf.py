"""gunicorn's configuration, read by `gunicorn portal.wsgi` started in this folder.

Every value can be changed from the environment (GUNICORN_WORKERS...), for `make serve`, the
benchmark and deployments alike.
"""

import multiprocessing
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    if not value.strip().isdigit() or int(value) < 1:
        sys.exit(f"Configuration error: {name} must be a whole number of at least 1, not {value!r}")
    return int(value)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes for the CPU work (templates are Python): two per core, plus one. Threads in each
# let a process keep serving while a request waits for the database or streams an export.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 2)
worker_class = "gthread"
# A request still running after this long is killed and its worker restarted; an export
# streams 10,000 rows well within it (docs/performance.md).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive connections from a load balancer: a little longer than none, not a worker's life.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers restart now and then, so that memory a request grew is given back.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# The access log, to standard output ("-"), or a file; "off" for none (the benchmark). The
# application's own JSON lines (portal/request_log.py) go to standard error.
_access = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access == "off" else _access
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
errorlog = "-"


def on_starting(server):
    """Read the settings before any worker starts.

    A bad environment variable then stops gunicorn with its one-line message, instead of each
    worker failing to boot with the settings module's traceback.
    """
    from django.conf import settings

    from portal.env import BadEnvironment

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads them all
    except BadEnvironment as error:
        sys.exit(f"Configuration error: {error}")
