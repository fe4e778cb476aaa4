"""Server time of the public pages at production size, next to a trivial view's.

    DJANGO_DEBUG=0 DATABASE_URL=postgres://... manage.py benchmark_pages [--pages search ...]

On PostgreSQL (or SQLite) with 45,000 organizations, 35,000 projects and 180,000
participations: when the database holds fewer organizations than asked for, it first writes a
synthetic CORDIS sample (generate_cordis_sample) and imports it (import_cordis), then loads
the demo profile. Then it requests each page type --requests times through
django.test.Client (no network, no web server: the view, middleware and templates) and
prints p50 and p95 in milliseconds.
"""

import gc
import os
import random
import statistics
import tempfile
import time
from itertools import cycle
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from organizations.models import Organization, OrganizationSubject
from projects.models import Keyword, Project

# Targets for the 95th percentile, in milliseconds.
TARGETS = {"search": 50, "profile": 30, "profile (largest)": 50, "search + 2 subjects": 50}
# The search page: text (one misspelt, to exercise the correction), two filters, a sort.
SEARCHES = [
    {"q": "university", "country": "DE", "kind": "university", "sort": "funding"},
    {"q": "research institute", "country": "FR", "kind": "research", "sort": "projects"},
    {"q": "northbridge", "country": "ES", "kind": "company", "sort": "partners"},
    {"q": "foundation", "country": "IT", "kind": "other", "sort": "relevance"},
    {"q": "universty eastmere", "country": "NL", "kind": "university", "sort": "name"},
    {"q": "paediatric oncology", "country": "DE", "sector": "health", "sort": "relevance"},
]
WARM_UP = 10


def p95(timings):
    """The 95th percentile of `timings`, within them: the default ("exclusive") method
    extrapolates past the largest of a few figures (p95 of 10 requests above their max)."""
    return statistics.quantiles(timings, n=20, method="inclusive")[18]


def add_sample_arguments(parser):
    """The options of the sample a benchmark imports when the database holds too few
    organizations (load_data)."""
    parser.add_argument(
        "--organizations",
        type=int,
        default=45_000,
        help="Import a sample first if the database holds fewer (0: use what it holds).",
    )
    parser.add_argument("--projects", type=int, default=35_000)
    parser.add_argument("--participations", type=int, default=180_000)
    parser.add_argument("--seed", type=int, default=1)


class Command(BaseCommand):
    help = "Measure p50/p95 server time of the public pages on a production-sized database."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="Per page type.")
        add_sample_arguments(parser)
        parser.add_argument(
            "--pages", nargs="*", default=[], help="Only these page types (and healthz)."
        )

    def handle(
        self, *args, requests, organizations, projects, participations, seed, pages, **options
    ):
        if Organization.objects.count() < organizations:
            self.load_data(organizations, projects, participations, seed)
        self.stdout.write(
            f"Database ({connection.vendor}): {Organization.objects.count():,} organizations, "
            f"{Project.objects.count():,} projects, {Keyword.objects.count():,} keywords."
        )
        urls = self.urls(random.Random(seed))
        if pages:
            unknown = set(pages) - set(urls)
            if unknown:
                raise CommandError(f"No such page type: {', '.join(sorted(unknown))}")
            urls = {name: urls[name] for name in urls if name in {*pages, "healthz (trivial)"}}
        load_before = os.getloadavg()[0]
        # DEBUG would keep every query in memory and time the debug machinery too; static
        # files are not what is measured (and the manifest would need collectstatic).
        plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        with override_settings(
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            STORAGES={**settings.STORAGES, "staticfiles": plain_static},
        ):
            results = {name: self.measure(pages, requests) for name, pages in urls.items()}
        self.report(results, requests)
        # Other work on the machine shows up in every figure: say how busy it was.
        self.stdout.write(
            f"\nLoad average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
            f"({os.cpu_count()} CPUs; the benchmark itself keeps about one busy)."
        )

    def load_data(self, organizations, projects, participations, seed):
        with tempfile.TemporaryDirectory() as folder:
            self.stdout.write(f"Writing and importing a sample of {organizations:,} organizations…")
            call_command(
                "generate_cordis_sample",
                folder,
                projects=projects,
                organizations=organizations,
                participations=participations,
                seed=seed,
                stdout=self.stdout,
            )
            call_command("import_cordis", folder, quiet=True, stdout=self.stdout)
        call_command("load_demo", stdout=self.stdout)
        # Freshly loaded tables have no statistics until autovacuum comes by; without them
        # the planner guesses, and the first run timed the keywords list at over a second.
        # VACUUM too (PostgreSQL), as autovacuum would: until it has, an index-only scan
        # still reads the table (the facet counts).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def urls(self, rng):
        """A cycle of URLs per page type, from a random sample of the data."""

        def sample(queryset, size=50):
            ids = list(queryset.values_list("pk", flat=True)[:5000])
            return queryset.filter(pk__in=rng.sample(ids, min(size, len(ids))))

        organizations = sample(Organization.objects.published().filter(project_count__gt=0))
        search = reverse("organizations:list")
        # The subjects most organizations have: a common word with two of them.
        subjects = {}
        counted = OrganizationSubject.objects.values_list("kind", "code").annotate(n=Count("*"))
        for kind, code, _ in counted.order_by("-n"):
            subjects.setdefault(kind, code)
        common = ["university", "research", "institute", "company", "technology"]
        return {
            "healthz (trivial)": [reverse("healthz")],
            "search": [
                f"{search}?{'&'.join(f'{k}={v}' for k, v in params.items())}" for params in SEARCHES
            ],
            "organizations list": [f"{search}?page={n}" for n in range(1, 11)],
            "search + 2 subjects": [
                f"{search}?{urlencode({'q': word, **chosen})}"
                for word in common
                for chosen in [
                    {"field": subjects.get("field"), "programme": subjects.get("programme")},
                    {"subfield": subjects.get("subfield"), "topic": subjects.get("topic")},
                ]
            ],
            # Subject facets over thousands of results (the whole list: a sample, "about").
            "facet-heavy": [f"{search}?{urlencode({'q': word})}" for word in common]
            + [search, f"{search}?{urlencode({'programme': subjects.get('programme')})}"],
            "projects + 2 subjects": [
                f"{reverse('projects:list')}?{urlencode(chosen)}"
                for chosen in [
                    {"field": subjects.get("field"), "programme": subjects.get("programme")},
                    {"subfield": subjects.get("subfield"), "topic": subjects.get("topic")},
                ]
            ],
            "profile": [o.get_absolute_url() for o in organizations],
            # The most projects: the computed sections' heaviest case.
            "profile (largest)": [
                Organization.objects.published().order_by("-project_count")[0].get_absolute_url()
            ],
            "project": [p.get_absolute_url() for p in sample(Project.objects.all())],
            "projects list": [f"{reverse('projects:list')}?page={n}" for n in range(1, 11)],
            "keyword": [k.get_absolute_url() for k in sample(Keyword.objects.all())],
            "keywords list": [f"{reverse('projects:keywords')}?page={n}" for n in range(1, 11)],
        }

    def measure(self, urls, requests):
        gc.freeze()  # as portal/wsgi.py does in a server's worker
        client = Client()
        urls = cycle(urls)
        for _ in range(WARM_UP):
            client.get(next(urls))
        timings, failures = [], 0
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(next(urls))
            timings.append((time.perf_counter() - start) * 1000)
            failures += response.status_code != 200
        return timings, failures

    def report(self, results, requests):
        self.stdout.write(f"\n{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target")
        for name, (timings, failures) in results.items():
            p50, slow = statistics.median(timings), p95(timings)
            target = TARGETS.get(name)
            verdict = f"p95 <= {target}: {'yes' if slow <= target else 'NO'}" if target else ""
            if failures:
                verdict += f" ({failures} of {requests} not 200!)"
            self.stdout.write(f"{name:<20} {p50:8.1f} {slow:8.1f} {max(timings):8.1f}  {verdict}")
