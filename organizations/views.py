import csv
import json
import logging
from contextlib import suppress
from dataclasses import replace
from html import unescape
from itertools import chain, islice
from typing import NamedTuple

from django.apps import apps
from django.db import DatabaseError
from django.db.models import F
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.views import View
from django.views.generic import DetailView

from base.charts import column_chart
from base.templatetags.formatting import contribution, euro_short, render_markdown
from base.views import FilteredListView, PageMixin, filtered_list_url, slug_url
from organizations.facets import KEYWORD_FACET_MAX_RESULTS, facets
from organizations.filters import OrganizationFilterSet
from organizations.models import (
    PROFILE_PROJECTS,
    Organization,
    editors_lists,
    sees_drafted_text,
)
from organizations.search import MAX_TERMS, ranked_page, why_matched
from organizations.sections import computed_sections

logger = logging.getLogger(__name__)


# The share of an estimated count a page may start within without counting exactly: a
# sample of about 500 organizations is seldom a fifth off.
TRUSTED_SHARE_OF_ESTIMATE = 0.8


class OrganizationListView(FilteredListView):
    page_title = "Organizations"
    page_description = "Search and filter research organizations taking part in EU-funded projects."
    paginate_by = 20
    filterset_class = OrganizationFilterSet
    template_name = "organizations/organization_list.html"

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user).for_cards()

    def get_context_data(self, **kwargs):
        self.facets = facets(self.filterset, self.request) if self.filterset.is_valid() else None
        context = super().get_context_data(**kwargs)
        found = self.facets is not None and self.facets.count > 0
        if found:
            why_matched(self.filterset.search, context["object_list"])
        context.update(
            # Without results, the subjects chosen (to take away): they have no field to show.
            facets=self.facets.groups if self.facets is not None else [],
            count_estimated=self.facets is not None and self.facets.estimated,
            keyword_facet_limit=KEYWORD_FACET_MAX_RESULTS,
            corrected_text=self.filterset.corrected_text if found else "",
            terms_left_out=self.filterset.terms_left_out if self.facets is not None else 0,
            max_terms=MAX_TERMS,
            export_query=self.query_string_without("page"),
            export_limit=EXPORT_LIMIT,
        )
        return context

    def paginate_queryset(self, queryset, page_size):
        # A count estimated from a sample can be a tenth or more off, either way: past the
        # real last page the page would be empty, and short of it the last results out of
        # reach. Near its end (only there), the results are counted exactly first; and a
        # page found empty past a gross overestimate shows the real last page.
        estimated = self.facets is not None and self.facets.estimated
        if estimated and self.near_the_end(page_size):
            self.count_exactly(queryset)
        paginator, page, _, _ = super().paginate_queryset(queryset, page_size)
        page.object_list = self.page_rows(queryset, page)
        if estimated and self.facets.estimated and not page.object_list and page.number > 1:
            self.count_exactly(queryset)
            paginator = self.get_paginator(queryset, page_size)  # it takes the new count
            page = paginator.get_page(paginator.num_pages)
            page.object_list = self.page_rows(queryset, page)
        return paginator, page, page.object_list, page.has_other_pages()

    def count_exactly(self, queryset):
        self.facets = replace(self.facets, count=queryset.count(), estimated=False)

    def near_the_end(self, page_size):
        """Whether the page asked for starts in the last part of the estimated results (the
        part a sample's error may put on either side of the real end), or past them."""
        try:
            number = int(self.request.GET.get("page", 1))
        except ValueError:
            return False  # not a number: the first page
        return (number - 1) * page_size >= self.facets.count * TRUSTED_SHARE_OF_ESTIMATE

    def page_rows(self, queryset, page):
        if self.facets is None or not self.facets.count or self.filterset.sort != "relevance":
            return list(page.object_list)
        # The same order as the queryset's, read without a lookup per result.
        start = (page.number - 1) * page.paginator.per_page
        return ranked_page(
            self.filterset.search,
            queryset,
            start,
            start + page.paginator.per_page,
            filtered=self.filterset.filtered(),
        )


# Export ------------------------------------------------------------------------------------

EXPORT_LIMIT = 10_000  # rows per export; the page says so
EXPORT_CHUNK = 1000  # rows read from the database at a time
EXPORT_FIELDS = [
    "name",
    "slug",
    "legal_name",
    "short_name",
    "kind",
    "sector",
    "country",
    "city",
    "website",
    "project_count",
    "coordinator_count",
    "total_ec_funding",
    "partner_count",
    "partner_country_count",
]
# A cell starting with one of these is a formula to a spreadsheet: quote it (OWASP's advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OrganizationExportView(View):
    """The organizations page's results as CSV or JSON: same parameters, same order, streamed.

    Up to EXPORT_LIMIT rows; invalid parameters give 400 with the form's errors as text, a
    query that fails gives 500, and a failure once the file has started breaks the download.
    """

    def get(self, request, fmt):
        filterset = OrganizationFilterSet(
            request.GET,
            queryset=Organization.objects.visible_to(request.user),
            request=request,
        )
        if not filterset.is_valid():
            return HttpResponseBadRequest(
                filterset.errors.as_text(), content_type="text/plain; charset=utf-8"
            )
        query_rows = filterset.qs.values(*EXPORT_FIELDS)[:EXPORT_LIMIT].iterator(EXPORT_CHUNK)
        # Run the query and read its first chunk before the response starts: a query that
        # fails is then a server error, not a 200 whose file ends after its header.
        rows = chain(list(islice(query_rows, 1)), query_rows)
        rows = (
            {**row, "url": request.build_absolute_uri(_profile_path(row["slug"]))} for row in rows
        )
        lines = _csv_lines(rows) if fmt == "csv" else _json_lines(rows)
        content_type = "text/csv" if fmt == "csv" else "application/json"
        response = StreamingHttpResponse(
            _logging_failures(lines, request.get_full_path(), query_rows),
            content_type=content_type,
        )
        response["Content-Disposition"] = f'attachment; filename="organizations.{fmt}"'
        return response


def _logging_failures(lines, path, query_rows):
    """`lines`, logging an error that stops them and raising it on.

    The 200 has gone: raising from the streamed iterator makes the WSGI server drop the
    connection without the last chunk, so the client sees a broken download rather than a
    short file that parses.
    """
    try:
        yield from lines
    except Exception:
        logger.exception("The export %s failed half-way; the connection is dropped", path)
        raise
    finally:
        # Close the query's (server-side) cursor as the response closes, also when the client
        # left early: left to the garbage collector, its close would run later, inside
        # whatever transaction the connection is in then.
        with suppress(DatabaseError):
            query_rows.close()


def _profile_path(slug):
    return reverse("organizations:detail", kwargs={"slug": slug})


class _Echo:
    """csv.writer writes to it and gets the line back, so each row can be streamed."""

    def write(self, value):
        return value


def _csv_lines(rows):
    columns = [*EXPORT_FIELDS, "url"]
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_cell(row[column]) for column in columns])


def _csv_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _json_lines(rows):
    yield "["
    separator = "\n"
    for row in rows:
        row["total_ec_funding"] = float(row["total_ec_funding"])
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


class OrganizationDetailView(PageMixin, DetailView):
    template_name = "organizations/organization_detail.html"
    context_object_name = "organization"
    # Built once (DetailView clones it for each request): its four EXISTS took longer to
    # build than the database takes to answer them.
    queryset = Organization.objects.for_profile()

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_page_title(self):
        return self.object.name

    def get_page_description(self):
        # The narrative is Markdown: describe the page with its text, not its markup.
        if not sees_drafted_text(self.request.user, self.object):
            return f"{self.object.name}: research profile."
        text = self.object.tagline or unescape(strip_tags(render_markdown(self.object.core_work)))
        return Truncator(text).chars(160) if text else f"{self.object.name}: research profile."

    def get_context_data(self, **kwargs):
        from projects.models import CordisDump
        from projects.programmes import programme_breakdown

        organization = self.object
        newest = newest_projects(organization)  # one more than shown, to tell if there are more
        # Most organizations have no more projects than the table shows: their programmes are
        # counted from its rows, not in a query of their own.
        every_project = len(newest) <= PROFILE_PROJECTS
        programmes = programme_breakdown(
            organization, [row.programme for row in newest] if every_project else None
        )
        sections = computed_sections(organization, self.request.user)
        all_projects_url = filtered_list_url("projects:list", organization=organization.slug)
        return super().get_context_data(
            projects=newest[:PROFILE_PROJECTS],
            all_projects_url=all_projects_url,
            more_projects_url=all_projects_url if len(newest) > PROFILE_PROJECTS else None,
            # What editors wrote in lists: expertise areas, notable projects, capabilities,
            # analysis notes.
            **editors_lists(organization),
            # The figures cover every programme: its projects per programme, from the data.
            programmes=programmes,
            partners=sections.partners,
            sections=sections,
            **activity_charts(sections.activity),
            # The dumps its projects come from, which each computed section names.
            data_sources=data_sources_text(
                dump
                for dump in CordisDump.objects.all()
                if dict(programmes).get(dump.programme_name)
            ),
            **kwargs,
        )


def data_sources_text(dumps):
    """ "Horizon Europe dump (cordis-HORIZONprojects-csv.zip, data to 6 September 2024)",
    the dumps joined by "and" ("data" without one): written once for the four source lines
    of a page, which say "in CORDIS's" before it."""
    described = [
        f"{dump.programme_name} dump ({dump.source}, "
        + (
            f"data to {date_format(dump.data_date, 'j F Y')})"
            if dump.data_date
            else f"imported {date_format(template_localtime(dump.imported_at), 'j F Y')})"
        )
        for dump in dumps
    ]
    return " and ".join(described) or "data"


class ProjectRow(NamedTuple):
    """A line of the profile's projects table, as text: no model instances for fifty lines."""

    url: str
    acronym: str
    title: str
    years: str  # "2021–2024"
    role: str
    ended_early: bool
    contribution: str  # "€751,855", or "not published" (safe HTML)
    programme: str  # its framework programme's code, as CORDIS writes it: "HORIZON"


def newest_projects(organization, shown=PROFILE_PROJECTS):
    """The newest `shown` projects of `organization` and one more (to tell whether there are
    more: an organization may have thousands, the rest is a link away), in one query."""
    participation = apps.get_model("projects", "Participation")
    roles = dict(participation.Role.choices)
    project_url = slug_url("projects:detail")
    rows = (
        participation.objects.filter(organization=organization)
        .order_by(F("project__start_date").desc(nulls_last=True), "project__acronym")
        .values_list(
            "project__slug",
            "project__acronym",
            "project__title",
            "project__start_date",
            "project__end_date",
            "role",
            "ended_early",
            "ec_contribution",
            "project__framework_programme",
        )[: shown + 1]
    )
    return [
        ProjectRow(
            project_url(slug),
            acronym,
            title,
            (f"{start.year}" if start else "") + (f"–{end.year}" if end else ""),
            roles.get(role, role),
            ended_early,
            contribution(amount),
            programme,
        )
        for slug, acronym, title, start, end, role, ended_early, amount, programme in rows
    ]


def activity_charts(activity):
    """The charts of "Activity over time": projects and EC contribution per year."""
    if activity is None or not activity.years:
        return {}
    years = activity.years
    return {
        "projects_chart": column_chart([(y.year, y.projects, f"{y.projects:,}") for y in years]),
        # A year whose amounts CORDIS does not publish is "–", not "€0".
        "funding_chart": column_chart(
            [(y.year, y.funding, euro_short(y.funding) if y.funded else "–") for y in years]
        ),
    }
