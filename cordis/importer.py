"""Importing CORDIS open data: projects, organizations, participations and keywords.

cordis/files.py reads and checks the files; this module writes what they say, in one
transaction, matching rows on natural keys: Project.cordis_id, Organization.pic (CORDIS
organisationID) and (project, organization) for participations. Running it twice on the same
files changes nothing the second time.

The import owns what it writes: the fields in PROJECT_FIELDS, ORGANIZATION_FIELDS and
PARTICIPATION_FIELDS, the keys (cordis_id, pic) and who took part in which project. It writes
the file's value whatever we hold, an empty cell included (see file_values); the admin shows
these fields read-only. What editors curate, it never touches: an organization's name, slug,
status and narratives, its expertise, notes and capabilities, a project's slug and the
keywords of projects whose cell is empty, and the highlight and rank of a participation.

Writes are set-based (cordis/bulk.py: COPY, bulk_update, lookups by sets of keys) so that
the number of queries does not grow with the number of rows, only with the number of batches.
"""

import functools
import time
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from cordis.bulk import BATCH_SIZE, BULK_ROWS, fetch, fetch_pks, insert_rows, where_in
from cordis.companions import COMPANION_TABLES, LINKS, write_classifications
from cordis.dumps import record_dump
from cordis.files import CordisError, read_dump
from cordis.lock import import_transaction
from cordis.values import readable
from organizations.models import ORGANIZATION_IMPORTED_FIELDS, FiguresSource, Organization, Status
from organizations.stats import refresh_figures
from projects.models import (
    PARTICIPATION_IMPORTED_FIELDS,
    PROJECT_IMPORTED_FIELDS,
    Keyword,
    Participation,
    Project,
)

# What the import owns: the models' lists (the admin shows them read-only).
PROJECT_FIELDS = PROJECT_IMPORTED_FIELDS
ORGANIZATION_FIELDS = ORGANIZATION_IMPORTED_FIELDS
PARTICIPATION_FIELDS = PARTICIPATION_IMPORTED_FIELDS
TABLES = ["projects", "organizations", "participations", "keywords"]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int | None = None  # None: rows of this table are not skipped on their own


@dataclass
class ImportResult:
    rows: dict  # file name -> rows read
    bad_rows: list  # skipped with --skip-bad-rows
    merged: list
    warnings: list
    counts: dict = field(default_factory=lambda: {table: Counts() for table in TABLES})
    figures_refreshed: int = 0
    seconds: float = 0.0
    # "euroSciVoc.csv: 6,120 rows name 2,106 projects not in project.csv", per companion file
    unknown_projects: list = field(default_factory=list)

    @property
    def data_changed(self):
        return any(c.created or c.updated for c in self.counts.values())

    @property
    def changed(self):
        return self.data_changed or bool(self.figures_refreshed)


def import_cordis(path, *, skip_bad_rows=False, progress=None, wait=True, waiting=None):
    """Import the CORDIS files in `path` (a folder or a zip); return an ImportResult.

    Raises CordisError, having written nothing, if a file is malformed, or if a row is bad
    and skip_bad_rows is false. `progress` is called with a line of text now and then.
    One import runs at a time on a database: if another is running, this one waits for it
    (calling `waiting` with a message), or raises ImportRunning if `wait` is false.
    """
    started = time.monotonic()
    dump = read_dump(path, progress=progress)
    if progress:
        rows = sum(dump.rows.values())
        elapsed = time.monotonic() - started
        progress(f"read {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)")
    if dump.bad_rows and not skip_bad_rows:
        raise CordisError(bad_rows_message(dump.bad_rows))
    result = ImportResult(
        rows=dump.rows, bad_rows=dump.bad_rows, merged=dump.merged, warnings=dump.warnings
    )
    result.unknown_projects = [
        line for c in dump.classifications.values() if (line := c.unknown_summary())
    ]
    for table, file_name in [("projects", "project.csv"), ("participations", "organization.csv")]:
        result.counts[table].skipped = sum(1 for row in dump.bad_rows if row.file == file_name)
    with import_transaction(wait=wait, waiting=waiting):
        Writer(dump, result, progress).write()
        record_dump(dump, path)
    result.seconds = time.monotonic() - started
    return result


def bad_rows_message(bad_rows):
    listed = [f"  {row}" for row in bad_rows[:50]]
    if len(bad_rows) > 50:
        listed.append(f"  ... and {len(bad_rows) - 50:,} more")
    return "\n".join(
        [f"{len(bad_rows):,} bad row(s); nothing was imported:"]
        + listed
        + ["Fix them, or import the rest with --skip-bad-rows."]
    )


class Writer:
    """Writes a Dump, table by table, counting what it creates, updates and leaves alone."""

    def __init__(self, dump, result, progress=None):
        self.dump = dump
        self.counts = result.counts
        self.result = result
        self.progress = progress
        self.started = time.monotonic()

    def write(self):
        project_pks = self.write_projects()
        organization_pks = self.write_organizations()
        neighbours = self.write_participations(project_pks, organization_pks)
        if self.dump.keywords is not None:  # no keywords column: leave keywords alone
            self.write_keywords(project_pks)
        self.write_classifications(project_pks)
        if connection.vendor == "postgresql" and self.counts["participations"].created >= BULK_ROWS:
            # The planner still believes the tables as small as before the import, until
            # autovacuum comes by: the figures query, and the pages' first queries after the
            # import, would be planned for that (seconds slower at H2020's size).
            models = [Participation, Organization, Project, Project.keywords.through, Keyword]
            models += [model for model, link, _ in LINKS.values()]
            models += [link for model, link, _ in LINKS.values()]
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {tables}")
        self.refresh_figures(set(organization_pks.values()), neighbours)

    def report(self, table):
        if self.progress:
            c = self.counts[table]
            self.progress(
                f"{table}: {c.created:,} created, {c.updated:,} updated, "
                f"{c.unchanged:,} unchanged ({time.monotonic() - self.started:.1f} s)"
            )

    def write_projects(self):
        """Create and update projects; return {cordis_id: pk}."""
        existing = fetch(Project, "cordis_id", self.dump.projects, PROJECT_FIELDS)
        new, changed = [], []
        for cordis_id, values in self.dump.projects.items():
            values = file_values(Project, values)
            current = existing.get(cordis_id)
            if current is None:
                new.append({"cordis_id": cordis_id, **values})
            elif apply_changes(current, values):
                changed.append(Project(**current))
        bases = [slug_base(row["acronym"], f"project-{row['cordis_id']}") for row in new]
        for row, slug in zip(new, unique_slugs(Project, bases), strict=True):
            row["slug"] = slug
        insert_rows(Project, new)
        Project.objects.bulk_update(changed, PROJECT_FIELDS, batch_size=BATCH_SIZE)
        skipped = self.counts["projects"].skipped
        unchanged = len(existing) - len(changed)
        self.counts["projects"] = Counts(len(new), len(changed), unchanged, skipped)
        self.report("projects")
        pks = {cordis_id: row["pk"] for cordis_id, row in existing.items()}
        pks.update(fetch_pks(Project, "cordis_id", [row["cordis_id"] for row in new]))
        self.new_projects = {pks[row["cordis_id"]] for row in new}
        self.changed_projects = {project.pk for project in changed}
        return pks

    def write_organizations(self):
        """Create and update organizations; return {pic: pk}."""
        fields = [*ORGANIZATION_FIELDS, "version"]
        existing = fetch(Organization, "pic", self.dump.organizations, fields)
        new, changed = [], []
        now = timezone.now()
        for pic, values in self.dump.organizations.items():
            values = file_values(Organization, values)
            current = existing.get(pic)
            if current is None:
                # The readable legal name: short names ("UT") say little, and are shown
                # beside it. Only for a new organization: the name is the editors' after.
                name = readable(values["legal_name"], values.get("short_name", ""))
                new.append(
                    {
                        "pic": pic,
                        "name": name,
                        "status": Status.PUBLISHED.value,
                        "published_at": now,  # as Organization.save() would set it
                        **values,
                    }
                )
            elif apply_changes(current, values):
                # A new version: an editor's form opened before the import is now stale and
                # cannot silently undo it (see Organization.version).
                current["version"] += 1
                changed.append(Organization(updated_at=now, **current))
        bases = [slug_base(row["name"], f"org-{row['pic']}") for row in new]
        for row, slug in zip(new, unique_slugs(Organization, bases), strict=True):
            row["slug"] = slug
        insert_rows(Organization, new)
        Organization.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=BATCH_SIZE)
        self.counts["organizations"] = Counts(len(new), len(changed), len(existing) - len(changed))
        self.report("organizations")
        pks = {pic: row["pk"] for pic, row in existing.items()}
        pks.update(fetch_pks(Organization, "pic", [row["pic"] for row in new]))
        return pks

    def write_participations(self, project_pks, organization_pks):
        """Create and update participations; return the pks of the other organizations
        already in the dump's projects (their partner figures change too)."""
        existing = {}
        fields = ["pk", "project_id", "organization_id", *PARTICIPATION_FIELDS]
        for participations in where_in(Participation.objects, "project_id", project_pks.values()):
            rows = participations.values(*fields)
            existing.update(((row["project_id"], row["organization_id"]), row) for row in rows)
        new, changed = [], []
        for (cordis_id, pic), values in self.dump.participations.items():
            project, organization = project_pks[cordis_id], organization_pks[pic]
            values = {name: values[name] for name in PARTICIPATION_FIELDS if name in values}
            values = file_values(Participation, values)
            current = existing.get((project, organization))
            if current is None:
                new.append({"project_id": project, "organization_id": organization, **values})
            elif apply_changes(current, values):
                del current["project_id"], current["organization_id"]
                changed.append(Participation(**current))
        insert_rows(Participation, new)
        Participation.objects.bulk_update(changed, PARTICIPATION_FIELDS, batch_size=BATCH_SIZE)
        unchanged = len(self.dump.participations) - len(new) - len(changed)
        skipped = self.counts["participations"].skipped
        self.counts["participations"] = Counts(len(new), len(changed), unchanged, skipped)
        self.report("participations")
        return {organization for _, organization in existing} - set(organization_pks.values())

    def write_keywords(self, project_pks):
        """Create missing keywords (matched ignoring case) and set each project's keywords.

        Only projects whose keywords cell is not empty are touched.
        """
        names = {}  # lower-case name -> name as first written
        for project_names in self.dump.keywords.values():
            for name in project_names:
                names.setdefault(name.lower(), name)
        # Every keyword, in one query: the table is small next to the rows of an import, and
        # new slugs must not clash with any of them.
        keyword_pks = {}
        for pk, name in Keyword.objects.values_list("pk", "name"):
            keyword_pks.setdefault(name.lower(), pk)
        new = [{"name": name} for lower, name in names.items() if lower not in keyword_pks]
        bases = [slug_base(row["name"], "keyword") for row in new]
        for row, slug in zip(new, unique_slugs(Keyword, bases), strict=True):
            row["slug"] = slug
        insert_rows(Keyword, new)
        new_pks = fetch_pks(Keyword, "name", [row["name"] for row in new])
        keyword_pks.update((name.lower(), pk) for name, pk in new_pks.items())
        self.counts["keywords"] = Counts(created=len(new), unchanged=len(names) - len(new))

        wanted = {
            (project_pks[cordis_id], keyword_pks[name.lower()])
            for cordis_id, project_names in self.dump.keywords.items()
            for name in project_names
        }
        Link = Project.keywords.through
        links = {}  # (project, keyword) -> link pk, for the projects that have keywords
        for project_links in where_in(Link.objects, "project_id", {p for p, _ in wanted}):
            rows = project_links.values_list("pk", "project_id", "keyword_id")
            links.update(((project, keyword), pk) for pk, project, keyword in rows)
        to_add = [{"project_id": p, "keyword_id": k} for p, k in wanted if (p, k) not in links]
        to_remove = {pair: pk for pair, pk in links.items() if pair not in wanted}
        insert_rows(Link, to_add)
        for removed in where_in(Link.objects, "pk", to_remove.values()):
            removed.delete()
        # A project whose keywords changed is updated, unless it is new.
        touched = {row["project_id"] for row in to_add} | {p for p, _ in to_remove}
        newly_changed = touched - self.changed_projects - self.new_projects
        self.changed_projects |= newly_changed
        self.counts["projects"].updated += len(newly_changed)
        self.counts["projects"].unchanged -= len(newly_changed)
        self.report("keywords")

    def write_classifications(self, project_pks):
        """Fields of science, topics and programme parts, from the companion files there."""
        counts, touched = write_classifications(self.dump, project_pks)
        for name, (created, updated, unchanged) in counts.items():
            table = COMPANION_TABLES[name]
            skipped = sum(1 for row in self.dump.bad_rows if row.file == name)
            self.counts[table] = Counts(created, updated, unchanged, skipped)
            self.report(table)
        # A project whose links changed is updated, unless it is new (as for keywords).
        newly_changed = touched - self.changed_projects - self.new_projects
        self.changed_projects |= newly_changed
        self.counts["projects"].updated += len(newly_changed)
        self.counts["projects"].unchanged -= len(newly_changed)

    def refresh_figures(self, organizations, neighbours):
        """Recompute the headline figures of the organizations the dump has data for.

        Their editor-entered figures are replaced (keep_edited=False): the import has just
        brought the data they come from. Other organizations in the same projects have new
        partners too, but their editor-entered figures are kept.
        """
        if self.result.data_changed:
            refreshed = refresh_figures_of(organizations, keep_edited=False)
            refreshed += refresh_figures_of(neighbours, keep_edited=True)
        else:
            # Nothing changed, but figures an editor typed in are still replaced.
            edited = []
            for chosen in where_in(Organization.objects, "pk", organizations):
                edited += chosen.filter(figures_source=FiguresSource.EDITORS).values_list(
                    "pk", flat=True
                )
            refreshed = refresh_figures_of(edited, keep_edited=False)
        self.result.figures_refreshed = refreshed
        if self.progress:
            elapsed = time.monotonic() - self.started
            self.progress(f"figures: {refreshed:,} organizations ({elapsed:.1f} s)")


def file_values(model, values):
    """The values to write for a row of the file: the rule of what an import writes.

    The file is the source of these fields, so an empty cell empties the field (NULL, or
    the field's default: "" for text, "other" for an organization's kind), whatever an
    editor or a script stored. A field not in `values` (its column is not in the file) is
    not written: the model's default for a new row, left as it is for an existing one.
    """
    empty = empty_values(model)
    return {name: empty[name] if value is None else value for name, value in values.items()}


@functools.cache
def empty_values(model):
    return {
        field.name: None if field.null else field.get_default()
        for field in model._meta.concrete_fields
    }


def apply_changes(current, values):
    """Copy into `current` the values (from file_values) that differ from it; return
    whether any did."""
    changed = False
    for name, value in values.items():
        if current[name] != value:
            current[name] = value
            changed = True
    return changed


def slug_base(text, fallback):
    """The slug to start from, with room left for a "-2" suffix; `fallback` if text has no
    letters or digits slugify keeps (e.g. a name in Greek letters)."""
    return slugify(text)[:140].strip("-") or fallback


def unique_slugs(model, bases):
    """One slug per base, unique among the model's slugs and each other ("x", "x-2", "x-3").

    All existing slugs are read in one query rather than one query per new row.
    """
    taken = set(model.objects.values_list("slug", flat=True)) if bases else set()
    next_suffix = {}
    slugs = []
    for base in bases:
        slug = base
        suffix = next_suffix.get(base, 2)
        while slug in taken:
            slug = f"{base}-{suffix}"
            suffix += 1
        next_suffix[base] = suffix
        taken.add(slug)
        slugs.append(slug)
    return slugs


def refresh_figures_of(organization_pks, *, keep_edited):
    refreshed = 0
    for organizations in where_in(Organization.objects, "pk", organization_pks):
        refreshed += refresh_figures(organizations, keep_edited=keep_edited)
    return refreshed
