"""Throughput of the public pages under gunicorn and wrk, against a hello-world Django view.

    DATABASE_URL=postgres://... manage.py benchmark_load [--duration 10] [--connections 64]

Starts gunicorn with the project's gunicorn.conf.py (debug off, collected static files) for
the portal and, the same way, for portal.benchmark.hello; runs wrk (Debian's package) on each
page with the page cache on ("cached") and off ("uncached"); prints requests per second, the
ratio to hello-world measured in the same run, p50 and p99 latency, errors, the first
request's time after start ("cold"), and the load average. Rate limits are off: wrk is one
address. Figures go to docs/performance.md, not into code.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.test.utils import override_settings

from organizations.models import Organization
from projects.models import Keyword, Project

GOAL = 0.5  # of hello-world's requests per second


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    cold_ms: float | None = None


class Command(BaseCommand):
    help = "Requests per second of the public pages under gunicorn and wrk, against hello-world."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk per page.")
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--port", type=int, default=8105)
        parser.add_argument(
            "--modes", default="cached,uncached", help="cached, uncached or both (default)."
        )

    def handle(self, *args, duration, connections, port, modes, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: apt-get install wrk")
        pages = self.pages()
        self.stdout.write(
            f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
            f"{Organization.objects.count():,} organizations, {Project.objects.count():,} "
            f"projects; {os.cpu_count()} CPUs; wrk {connections} connections, {duration} s a page"
        )
        # DEBUG keeps every query's SQL in memory; RequestFactory asks as "testserver".
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
            self.time_split(pages["profile"])
        self.log_dir = Path(tempfile.mkdtemp(prefix="benchmark-load-"))
        self.environment = self.server_environment()
        self.collectstatic()
        rows = []
        for mode in modes.split(","):
            env = {"PAGE_CACHE_SECONDS": "3600" if mode == "cached" else "0"}
            with self.server("portal.benchmark.hello", port, env):
                hello = self.wrk(f"http://127.0.0.1:{port}/", duration, connections)
            rows.append((mode, "hello-world", hello, hello))
            with self.server("portal.wsgi", port, env):
                for name, path in pages.items():
                    url = f"http://127.0.0.1:{port}{path}"
                    cold = self.first_request_ms(url)
                    result = self.wrk(url, duration, connections)
                    result.cold_ms = cold
                    rows.append((mode, name, result, hello))
        self.report(rows, pages)
        self.stdout.write(f"Server logs: {self.log_dir}")

    def pages(self):
        published = Organization.objects.published().exclude(project_count=None)
        by_projects = list(published.order_by("project_count").values_list("slug", flat=True))
        if not by_projects:
            raise CommandError("No published organization: import CORDIS data first.")
        project = (
            Project.objects.annotate(partners=Count("participations"))
            .filter(partners__gte=5)
            .order_by("pk")
            .first()
        ) or Project.objects.order_by("pk").first()
        keyword = (
            Keyword.objects.annotate(n=Count("projects")).filter(n__gte=5).order_by("pk").first()
        ) or Keyword.objects.order_by("pk").first()
        pages = {
            "home": "/",
            # A busy but ordinary profile (the 90th percentile of projects), and the largest.
            "profile": f"/organizations/{by_projects[int(len(by_projects) * 0.9)]}/",
            "profile (largest)": f"/organizations/{by_projects[-1]}/",
            "project": project.get_absolute_url(),
            "search": "/organizations/?q=university",
        }
        if keyword:  # CORDIS's HORIZON dump names none
            pages["keyword"] = keyword.get_absolute_url()
        return pages

    def time_split(self, path, requests=50):
        """Where an uncached page's time goes, in this process: queries, the view's Python,
        the template's Python (the median of `requests`, after a warm-up)."""
        from django.contrib.auth.models import AnonymousUser
        from django.db import connection
        from django.test import RequestFactory
        from django.urls import resolve

        match = resolve(path.split("?")[0])
        splits = []
        for _ in range(requests + 5):
            request = RequestFactory().get(path)
            request.user = AnonymousUser()
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = match.func(request, *match.args, **match.kwargs)
                view_done, view_queries = time.perf_counter(), timer.seconds
                response.render()
                done = time.perf_counter()
            splits.append(
                (
                    done - started,
                    timer.seconds,
                    view_done - started - view_queries,
                    done - view_done - (timer.seconds - view_queries),
                    timer.count,
                )
            )
        splits = sorted(splits[5:])[len(splits[5:]) // 2]  # the median request, by total
        total, queries, view, template, count = splits
        self.stdout.write(
            f"Uncached {path} (in process, no middleware), median of {requests}: "
            f"{total * 1000:.1f} ms = queries {queries * 1000:.1f} ms ({count}) + view Python "
            f"{view * 1000:.1f} ms + template Python {template * 1000:.1f} ms; Python "
            f"{(total - queries) * 1000:.1f} ms"
        )

    def server_environment(self):
        return {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "RATELIMIT_ENABLE": "0",
            "GUNICORN_ACCESS_LOG": "off",
        }

    def collectstatic(self):
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=self.environment,
            check=True,
        )

    def server(self, app, port, env):
        command = self

        class Server:
            def __enter__(self):
                log = (command.log_dir / f"{app}-{env['PAGE_CACHE_SECONDS']}.log").open("w")
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", app, "-c", "gunicorn.conf.py"],
                    cwd=settings.BASE_DIR,
                    env={**command.environment, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    stdout=log,
                    stderr=log,
                )
                # Not a measured page: its first request is the "cold" figure.
                ready = "/" if app.endswith("hello") else "/healthz"
                command.wait_for(f"http://127.0.0.1:{port}{ready}", self.process)
                return self

            def __exit__(self, *exc):
                self.process.terminate()
                self.process.wait(timeout=30)

        return Server()

    def wait_for(self, url, process):
        for _ in range(300):
            if process.poll() is not None:
                raise CommandError(f"gunicorn stopped: see the logs in {self.log_dir}")
            try:
                urllib.request.urlopen(url, timeout=5).read()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.1)
        raise CommandError(f"gunicorn did not answer at {url}")

    def first_request_ms(self, url):
        started = time.perf_counter()
        urllib.request.urlopen(url, timeout=30).read()
        return (time.perf_counter() - started) * 1000

    def wrk(self, url, duration, connections):
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
            + [url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
        socket = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
        if socket:
            errors += sum(int(n) for n in socket.groups())
        return Result(
            requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            p50_ms=latency_ms(output, "50%"),
            p99_ms=latency_ms(output, "99%"),
            errors=errors,
        )

    def report(self, rows, pages):
        self.stdout.write("")
        self.stdout.write(
            f"{'mode':9} {'page':18} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'errors':>6} {'cold ms':>8}"
        )
        for mode, name, result, hello in rows:
            ratio = result.requests_per_second / hello.requests_per_second
            cold = f"{result.cold_ms:8.1f}" if result.cold_ms is not None else f"{'':8}"
            mark = "" if name == "hello-world" or ratio >= GOAL else "  < goal"
            self.stdout.write(
                f"{mode:9} {name:18} {result.requests_per_second:8.0f} {ratio:5.2f}x "
                f"{result.p50_ms:8.1f} {result.p99_ms:8.1f} {result.errors:6} {cold}{mark}"
            )
        self.stdout.write("")
        for name, path in pages.items():
            self.stdout.write(f"  {name}: {path}")
        self.stdout.write(f"Load average (1, 5, 15 min): {os.getloadavg()}")


class QueryTimer:
    """An execute wrapper: the queries' count and time."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def latency_ms(output, percentile):
    match = re.search(rf"^\s*{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
