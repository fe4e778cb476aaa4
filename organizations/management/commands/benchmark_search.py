"""Server time of the organizations page's search, query by query, next to a trivial view's.

    DATABASE_URL=... manage.py benchmark_search [--organizations 45000 | --organizations 0]

Runs on PostgreSQL and SQLite. When the database holds fewer organizations than asked for,
it first imports a synthetic sample (benchmark_pages.load_data: generate_cordis_sample with
fields of science and topics, then import_cordis); --organizations 0 measures what the
database holds (the real HORIZON data, say). Each query of QUERIES is requested --requests
times through django.test.Client (the view, middleware and templates; no network); the
command prints p50, p95 and max per query, /healthz's from the same run, the load average,
and the node types of the plan of the slowest query's slowest SQL statement.
"""

import gc
import json
import os
import statistics
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from base.database import require_migrated
from organizations.management.commands.benchmark_pages import Command as BenchmarkPages
from organizations.management.commands.benchmark_pages import add_sample_arguments, p95
from organizations.models import Organization
from projects.models import Project

# Targets for the 95th percentile of every query, in milliseconds.
TARGETS = {"postgresql": 30, "sqlite": 50}
# Every kind of query: common words, subjects, phrases, typos, accents, websearch syntax,
# filters with a sort, a far page. Words of the generated sample and of real CORDIS data.
QUERIES = [
    *({"q": word} for word in ["university", "research", "institute", "company", "foundation"]),
    *({"q": word} for word in ["technology", "centre", "health", "energy", "public"]),
    *({"q": word} for word in ["oncology", "hydrogen aviation", "quantum sensing", "vaccine"]),
    *({"q": word} for word in ["battery", "climate", "robot", "artificial intelligence"]),
    *({"q": phrase} for phrase in ['"research institute"', '"university hospital"']),
    {"q": '"climate change"'},
    *({"q": word} for word in ["universty", "reserch", "instutute", "oncolgy", "hydrogne"]),
    *({"q": word} for word in ["université", "münchen", "sécurité", "ciência", "Universitaet"]),
    {"q": '"quantum computing" or photonics'},
    {"q": "energy -solar"},
    {"q": "university -hospital"},
    {"q": "cancer or tumour or oncology"},
    {"q": "university", "country": "DE", "kind": "university", "sort": "funding"},
    {"q": "research", "country": "FR", "sector": "health", "sort": "projects"},
    {"q": "vaccine", "country": "IT", "kind": "company", "sort": "name"},
    {"q": "research", "page": "200"},
    {"q": "university", "page": "50"},
]
WARM_UP = 2


class Command(BaseCommand):
    help = "Measure p50/p95/max server time of each search query, next to /healthz's."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20, help="Per query.")
        add_sample_arguments(parser)

    def handle(self, *args, requests, organizations, projects, participations, seed, **options):
        require_migrated()
        requests = max(requests, 2)  # percentiles need two figures
        if Organization.objects.count() < organizations:
            pages = BenchmarkPages(stdout=self.stdout, stderr=self.stderr)
            pages.load_data(organizations, projects, participations, seed)
        self.stdout.write(
            f"{connection.vendor}: {Organization.objects.count():,} organizations, "
            f"{Project.objects.count():,} projects."
        )
        search = reverse("organizations:list")
        urls = [f"{search}?{urlencode(params)}" for params in QUERIES]
        load_before = os.getloadavg()
        plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        # The page cache and the rate limit off: a cached page would measure the cache, not
        # the search, and past RATELIMIT_SEARCH requests a minute the page is a 429.
        with override_settings(
            PAGE_CACHE_SECONDS=0,
            RATELIMIT_ENABLE=False,
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            STORAGES={**settings.STORAGES, "staticfiles": plain_static},
        ):
            gc.freeze()  # as portal/wsgi.py does in a server's worker
            client = Client()
            trivial = self.measure(client, reverse("healthz"), requests * 5)
            results = {url: self.measure(client, url, requests) for url in urls}
            self.report(trivial, results)
            slowest = max(results, key=lambda url: p95(results[url][0]))
            plan = self.plan(client, slowest)
        self.stdout.write(f"\nSlowest at p95: {slowest}\n  {plan}")
        self.stdout.write(
            f"\nLoad average (1, 5, 15 min): before {self.load(load_before)}, "
            f"after {self.load(os.getloadavg())} ({os.cpu_count()} CPUs)."
        )

    def measure(self, client, url, requests):
        for _ in range(WARM_UP):
            client.get(url)
        timings, failures = [], 0
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            failures += response.status_code != 200
        return timings, failures

    def report(self, trivial, results):
        target = TARGETS[connection.vendor]
        self.stdout.write(f"\n{'query':<62} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
        rows = [("/healthz (trivial view)", trivial), *results.items()]
        over = 0
        for url, (timings, failures) in rows:
            p50, slow = statistics.median(timings), p95(timings)
            over += slow > target and url in results
            note = f"  ({failures} not 200!)" if failures else ""
            note += "  over target" if slow > target and url in results else ""
            label = url.split("?", 1)[-1]
            self.stdout.write(f"{label[:62]:<62} {p50:7.1f} {slow:7.1f} {max(timings):7.1f}{note}")
        self.stdout.write(
            f"\n{len(results) - over} of {len(results)} queries within {target} ms at p95."
        )

    def plan(self, client, url):
        """The node types of the plan of the slowest SQL statement of one request of url."""
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
        sql = slowest["sql"]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                nodes, plan = [], cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan  # psycopg parses
                self.walk(plan[0]["Plan"], nodes)
                return f"{slowest['time']} s; plan nodes: {', '.join(nodes)}"
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            details = [row[-1] for row in cursor.fetchall()]
            return f"{slowest['time']} s; plan: " + " | ".join(details)

    def walk(self, node, nodes):
        nodes.append(
            node["Node Type"]
            + (f" on {node['Relation Name']}" if "Relation Name" in node else "")
            + (f" using {node['Index Name']}" if "Index Name" in node else "")
        )
        for child in node.get("Plans", []):
            self.walk(child, nodes)

    @staticmethod
    def load(average):
        return ", ".join(f"{value:.2f}" for value in average)
