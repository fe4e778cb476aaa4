"""Writing what cordis/files.py reads, a chunk of rows at a time, counting what it creates,
updates and leaves alone, and noting what the figures depend on (cordis/importer/figures.py).

Writes are set-based (cordis/bulk.py: COPY, set-wise updates, lookups by sets of keys) so that
the number of queries does not grow with the number of rows, only with the number of chunks.
"""

import itertools
import time

from django.utils import timezone

from base.database import update_rows
from cordis.bulk import (
    BULK_ROWS,
    fetch,
    fetch_pks,
    fetch_tuples,
    foreign_keys_checked_once,
    insert_rows,
    where_in,
)
from cordis.companions import COMPANION_TABLES, write_classification
from cordis.digests import DIGEST, same_digest, stored_digest_set, stored_digests
from cordis.files import CHUNK_ROWS, ORGANIZATION_FILE, PROJECT_FILE
from cordis.importer.result import Counts
from cordis.importer.rows import UniqueSlugs, apply_changes, empty_values, file_values, slug_base
from cordis.records import from_cents, merge_participations
from cordis.values import readable
from organizations.curation import PROJECT_FIELDS_IN_ATTENTION
from organizations.models import ORGANIZATION_IMPORTED_FIELDS, Organization, Status
from organizations.search.evidence import PROJECT_FIELDS_IN_SEARCH
from organizations.sections.tally import PROJECT_FIELDS_IN_SECTIONS
from organizations.stats import ORGANIZATION_FIELDS_IN_FIGURES, PARTICIPATION_FIELDS_IN_FIGURES
from organizations.subjects import PROJECT_FIELDS_IN_SUBJECTS
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
KEYWORD_LINK = Project.keywords.through
# The fields of a project that what is stored per organization reads (each with the project's
# classifications): a change of another (status, costs) recounts none of them.
PROJECT_FIELDS_IN = {
    "sections": PROJECT_FIELDS_IN_SECTIONS,
    "subjects": PROJECT_FIELDS_IN_SUBJECTS,
    "search": PROJECT_FIELDS_IN_SEARCH,
    "attention": PROJECT_FIELDS_IN_ATTENTION,  # the curation queue's (figures aside)
}
# What a project's classifications are read by (a change of its links recounts these).
CLASSIFIED_IN = ["sections", "subjects", "search"]


class Writer:
    """Writes the chunks cordis/files.py reads (see cordis.files.Discard for the calls).

    Once the dump has a bad row and bad rows are not to be skipped, it writes nothing more:
    the import reads on, to list every bad row, then rolls back.
    """

    def __init__(self, dump, result, *, skip_bad_rows, progress):
        self.dump = dump
        self.result = result
        self.counts = result.counts
        self.skip_bad_rows = skip_bad_rows
        self.progress = progress
        self.started = time.monotonic()
        self.project_pks = {}  # cordis_id -> pk, of the dump's projects
        self.organization_pks = {}  # pic -> pk, of the dump's organizations
        self.new_projects, self.changed_projects = set(), set()
        self.project_slugs = UniqueSlugs(Project)
        self.organization_slugs = UniqueSlugs(Organization)
        self.keyword_slugs = UniqueSlugs(Keyword)
        self.keyword_pks = None  # lower-case name -> pk, every keyword (read when needed)
        self.keyword_names = set()  # the dump's keywords, lower case
        self.keyword_links = []  # (project pk, keyword pk) to add, once project.csv is read
        # What the figures depend on (cordis/importer/figures.py).
        self.joined_projects = set()  # projects with new participations
        # Organizations with a new participation, or one whose figures' fields changed.
        self.participations_changed = set()
        self.countries_changed = set()  # organizations whose country changed
        self.joined_organizations = set()  # organizations with new participations
        self.organizations_changed = set()  # organizations whose imported fields changed
        # What the computed sections, the subjects and the search evidence count besides,
        # each: projects new, or changed in their classifications or in one of the fields it
        # reads (PROJECT_FIELDS_IN; the search reads keywords too). Not status or costs.
        self.projects_changed_in = {what: set() for what in PROJECT_FIELDS_IN}
        self.bulk = False  # the participations were a bulk load (a first import)
        # model -> {digest: pk} of the rows that hold what the file row of that digest says
        # (cordis/digests.py), read when the model's first row is; dropped after its file.
        self.digests = {}

    def holds(self, model, digest):
        """The pk of the `model` row the last import wrote from the file row with this digest,
        and which still holds what it wrote (True for a participation); None: the row is to
        be read and compared."""
        if digest is None or not self.writing:
            return None
        if model not in self.digests:
            # Of a participation only whether it is held is asked (cordis/records.py).
            if model is Participation:
                self.digests[model] = stored_digest_set(model)
            else:
                self.digests[model] = stored_digests(model)
        digests = self.digests[model]
        if isinstance(digests, set):
            return True if digest in digests else None
        return digests.get(digest)

    @property
    def writing(self):
        return self.skip_bad_rows or not self.dump.bad_rows

    def report(self, table):
        c = self.counts[table]
        not_read = f", {c.not_read:,} of them not read again" if c.not_read else ""
        self.progress.line(
            f"{table}: {c.created:,} created, {c.updated:,} updated, "
            f"{c.unchanged:,} unchanged{not_read} ({time.monotonic() - self.started:.1f} s)"
        )

    # Projects and keywords ------------------------------------------------------------------

    def write_projects(self, chunk, keywords):
        """Create and update a chunk of projects; then their keywords (if the file has them)."""
        if not self.writing:
            return
        held = [(cordis_id, digest) for cordis_id, values, digest in chunk if values is None]
        self.project_pks.update((cordis_id, self.holds(Project, d)) for cordis_id, d in held)
        self.counts["projects"].unchanged += len(held)
        self.counts["projects"].not_read += len(held)
        chunk = [row for row in chunk if row[1] is not None]
        if chunk:
            fields = list(chunk[0][1])  # every row of a file has the same columns
            keys = [cordis_id for cordis_id, _, _ in chunk]
            existing = fetch_tuples(Project.objects, "cordis_id", keys, [*fields, DIGEST])
            read_by = {
                what: [i for i, name in enumerate(fields) if name in names]
                for what, names in PROJECT_FIELDS_IN.items()
            }
            new, changed, digested = [], [], []
            for cordis_id, values, digest in chunk:
                values = file_values(Project, values)
                current = existing.get(cordis_id)
                if current is None:
                    new.append({"cordis_id": cordis_id, **values, DIGEST: digest})
                    continue
                row = tuple(values[name] for name in fields)
                if current[1:-1] != row:
                    changed.append(Project(pk=current[0], **values, import_digest=digest))
                    for what, positions in read_by.items():
                        if any(current[1 + i] != row[i] for i in positions):
                            self.projects_changed_in[what].add(current[0])
                elif not same_digest(current[-1], digest):
                    digested.append(Project(pk=current[0], import_digest=digest))
            bases = [slug_base(row["acronym"], f"project-{row['cordis_id']}") for row in new]
            for row, slug in zip(new, self.project_slugs(bases), strict=True):
                row["slug"] = slug
            insert_rows(Project, new)
            update_rows(Project, changed, [*fields, DIGEST])
            update_rows(Project, digested, [DIGEST])
            counts = self.counts["projects"]
            counts.created += len(new)
            counts.updated += len(changed)
            counts.unchanged += len(existing) - len(changed)
            self.project_pks.update((cordis_id, row[0]) for cordis_id, row in existing.items())
            new_pks = fetch_pks(Project, "cordis_id", [row["cordis_id"] for row in new])
            self.project_pks.update(new_pks)
            self.new_projects.update(new_pks.values())
            for projects in self.projects_changed_in.values():
                projects.update(new_pks.values())
            self.changed_projects.update(project.pk for project in changed)
        if keywords is not None:  # no keywords column: leave keywords alone
            self.write_keywords(keywords)

    def write_keywords(self, keywords):
        """Create missing keywords (matched ignoring case) and set the keywords of a chunk of
        projects; the links to add wait for the end of project.csv (one bulk insert).

        Only projects whose keywords cell is not empty are touched.
        """
        if self.keyword_pks is None:
            # Every keyword, in one query: the table is small next to the rows of an import,
            # and new slugs must not clash with any of them.
            self.keyword_pks = {}
            for pk, name in Keyword.objects.values_list("pk", "name"):
                self.keyword_pks.setdefault(name.lower(), pk)
        names = {}  # lower-case name -> name as first written, of the keywords to create
        for project_names in keywords.values():
            for name in project_names:
                self.keyword_names.add(name.lower())
                if name.lower() not in self.keyword_pks:
                    names.setdefault(name.lower(), name)
        new = [{"name": name} for name in names.values()]
        bases = [slug_base(row["name"], "keyword") for row in new]
        for row, slug in zip(new, self.keyword_slugs(bases), strict=True):
            row["slug"] = slug
        insert_rows(Keyword, new)
        new_pks = fetch_pks(Keyword, "name", [row["name"] for row in new])
        self.keyword_pks.update((name.lower(), pk) for name, pk in new_pks.items())
        self.counts["keywords"].created += len(new)

        wanted = {
            (self.project_pks[cordis_id], self.keyword_pks[name.lower()])
            for cordis_id, project_names in keywords.items()
            for name in project_names
        }
        links = {}  # (project, keyword) -> link pk, for the projects that have keywords
        for project_links in where_in(KEYWORD_LINK.objects, "project_id", {p for p, _ in wanted}):
            rows = project_links.values_list("pk", "project_id", "keyword_id")
            links.update(((project, keyword), pk) for pk, project, keyword in rows)
        to_add = [pair for pair in wanted if pair not in links]
        to_remove = {pair: pk for pair, pk in links.items() if pair not in wanted}
        self.keyword_links += to_add
        for removed in where_in(KEYWORD_LINK.objects, "pk", to_remove.values()):
            removed.delete()
        # A project whose keywords changed is updated, unless it is new.
        relinked = {p for p, _ in to_add} | {p for p, _ in to_remove}
        self.count_links_changed(relinked)
        self.projects_changed_in["search"] |= relinked

    def count_links_changed(self, projects):
        newly_changed = projects - self.changed_projects - self.new_projects
        self.changed_projects |= newly_changed
        self.counts["projects"].updated += len(newly_changed)
        self.counts["projects"].unchanged -= len(newly_changed)

    def done(self, filename):
        """The end of a file: what waits for it, and the report."""
        if not self.writing:
            return
        if filename == PROJECT_FILE:
            self.digests.pop(Project, None)  # its memory is organization.csv's now
            self.report("projects")
            if self.dump.has_keywords:
                insert_rows(KEYWORD_LINK, self.keyword_links, ["project_id", "keyword_id"])
                self.keyword_links = []
                keywords = self.counts["keywords"]
                keywords.unchanged = len(self.keyword_names) - keywords.created
                self.report("keywords")
        elif filename == ORGANIZATION_FILE:
            self.report("organizations")

    # Organizations and participations -------------------------------------------------------

    def write_organizations(self, chunk):
        """Create and update a chunk of organizations ({pic: (values, digest)}; values None
        for an organization held as the file row describes it)."""
        if not self.writing or not chunk:
            return
        held = [(pic, digest) for pic, (values, digest) in chunk.items() if values is None]
        self.organization_pks.update((pic, self.holds(Organization, d)) for pic, d in held)
        self.counts["organizations"].unchanged += len(held)
        self.counts["organizations"].not_read += len(held)
        chunk = {pic: row for pic, row in chunk.items() if row[0] is not None}
        fields = [*ORGANIZATION_FIELDS, "version"]
        existing = fetch(Organization, "pic", chunk, [*fields, DIGEST])
        new, changed, digested = [], [], []
        now = timezone.now()
        for pic, (values, digest) in chunk.items():
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
                        DIGEST: digest,
                    }
                )
                continue
            stored_digest = current.pop(DIGEST)
            current[DIGEST] = digest
            if changed_names := apply_changes(current, values):
                if not ORGANIZATION_FIELDS_IN_FIGURES.isdisjoint(changed_names):
                    self.countries_changed.add(current["pk"])
                # A new version: an editor's form opened before the import is now stale and
                # cannot silently undo it (see Organization.version).
                current["version"] += 1
                changed.append(Organization(updated_at=now, **current))
                self.organizations_changed.add(current["pk"])
            elif not same_digest(stored_digest, digest):
                digested.append(Organization(pk=current["pk"], import_digest=digest))
        bases = [slug_base(row["name"], f"org-{row['pic']}") for row in new]
        for row, slug in zip(new, self.organization_slugs(bases), strict=True):
            row["slug"] = slug
        insert_rows(Organization, new)
        update_rows(Organization, changed, [*fields, DIGEST, "updated_at"])
        update_rows(Organization, digested, [DIGEST])
        counts = self.counts["organizations"]
        counts.created += len(new)
        counts.updated += len(changed)
        counts.unchanged += len(existing) - len(changed)
        self.organization_pks.update((pic, row["pk"]) for pic, row in existing.items())
        self.organization_pks.update(fetch_pks(Organization, "pic", [row["pic"] for row in new]))

    def write_participations(self, dump, advance):
        """Create and update the dump's participations, a chunk at a time."""
        if not self.writing:
            return
        fields = dump.participation_fields
        empty = empty_values(Participation)
        in_figures = [i for i, name in enumerate(fields) if name in PARTICIPATION_FIELDS_IN_FIGURES]
        amount_at = fields.index("ec_contribution") if "ec_contribution" in fields else None
        # A first import is a bulk load: the foreign keys are checked once, at the end.
        expected_new = sum(
            1
            for cordis_id, _ in dump.participations
            if self.project_pks[cordis_id] in self.new_projects
        )
        self.bulk = expected_new >= BULK_ROWS
        counts = self.counts["participations"]
        items = iter(dump.participations.items())
        done = 0
        with foreign_keys_checked_once(Participation, bulk=self.bulk):
            while chunk := list(itertools.islice(items, CHUNK_ROWS)):
                # (*values, line, digest, with_stored), or the line alone of one held as
                # the file row says (cordis/records.py, add_participation).
                rows = [
                    (self.project_pks[cordis_id], self.organization_pks[pic], entry)
                    for (cordis_id, pic), entry in chunk
                    if not isinstance(entry, int)
                ]
                keys = [(project, organization) for project, organization, _ in rows]
                pair = ("project_id", "organization_id")
                existing = fetch_tuples(Participation.objects, pair, keys, [*fields, DIGEST])
                new, changed, digested = [], [], []
                for project, organization, (*values, _, digest, with_stored) in rows:
                    if amount_at is not None:  # held in cents (cordis/records.py)
                        values[amount_at] = from_cents(values[amount_at])
                    current = existing.get((project, organization))
                    if with_stored and current is not None:
                        merged = dict(zip(fields, current[1:-1], strict=True))
                        merge_participations(merged, dict(zip(fields, values, strict=True)))
                        values = merged.values()
                    values = tuple(values)
                    if None in values:  # file_values, for a tuple
                        values = tuple(
                            empty[name] if v is None else v
                            for name, v in zip(fields, values, strict=True)
                        )
                    if current is None:
                        new.append((project, organization, *values, digest))
                        self.joined_projects.add(project)
                        self.joined_organizations.add(organization)
                        self.participations_changed.add(organization)
                    elif current[1:-1] != values:
                        if any(current[1 + i] != values[i] for i in in_figures):
                            self.participations_changed.add(organization)
                        changed.append(
                            Participation(
                                pk=current[0],
                                **dict(zip(fields, values, strict=True)),
                                import_digest=digest,
                            )
                        )
                    elif not same_digest(current[-1], digest):
                        digested.append(Participation(pk=current[0], import_digest=digest))
                insert_rows(Participation, new, ["project_id", "organization_id", *fields, DIGEST])
                update_rows(Participation, changed, [*fields, DIGEST])
                update_rows(Participation, digested, [DIGEST])
                counts.created += len(new)
                counts.updated += len(changed)
                counts.unchanged += len(chunk) - len(new) - len(changed)
                counts.not_read += len(chunk) - len(rows)
                done += len(chunk)
                advance(done)
        self.digests.clear()  # organization.csv is written
        self.report("participations")

    # Companion files ------------------------------------------------------------------------

    def write_classification(self, classification):
        """Fields of science, topics or programme parts, from a companion file."""
        if not self.writing:
            return
        (created, updated, unchanged), touched, retitled = write_classification(
            classification, self.project_pks
        )
        table = COMPANION_TABLES[classification.file]
        skipped = sum(1 for row in self.dump.bad_rows if row.file == classification.file)
        self.counts[table] = Counts(created, updated, unchanged, skipped)
        self.report(table)
        # A project whose links changed is updated, unless it is new (as for keywords).
        self.count_links_changed(touched)
        for what in CLASSIFIED_IN:
            self.projects_changed_in[what] |= touched | retitled
