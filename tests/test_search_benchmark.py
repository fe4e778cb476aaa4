"""benchmark_search prints a figure per query, the trivial view's, the load average and the
slowest query's plan (the figures themselves belong to docs/performance.md, not to tests)."""

import io

from django.core.management import call_command

from organizations.management.commands.benchmark_pages import p95
from organizations.management.commands.benchmark_search import QUERIES
from tests.factories import make_organization, make_participation, make_project


def test_benchmark_search_reports_every_query(db):
    make_participation(make_project(title="Oncology research"), make_organization(name="Alpha"))
    out = io.StringIO()
    call_command("benchmark_search", organizations=0, requests=2, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(QUERIES) >= 30
    assert sum(line.startswith("q=") for line in lines) == len(QUERIES)
    assert any(line.startswith("/healthz (trivial view)") for line in lines)
    assert any(line.startswith("Slowest at p95:") for line in lines)
    assert any("plan" in line for line in lines)
    assert any(line.startswith("Load average") for line in lines)


def test_p95_stays_within_the_figures_measured():
    # With Python's default method, the p95 of ten figures is extrapolated past their max.
    timings = [10.0] * 9 + [100.0]
    assert p95(timings) <= max(timings)
    assert p95(timings) > 10.0
