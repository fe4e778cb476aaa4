"""The companion files of a CORDIS dump: fields of science, topics and programme parts.

euroSciVoc.csv, topics.csv and legalBasis.csv each give, per project, the classifications
it has. They are optional: a dump without one imports as before, and the projects' links of
that kind are left as they are. A file that is there is the source of the links of every
project it names: its links replace the ones we hold for those projects.

Rows naming a project that project.csv does not hold are counted, not errors: CORDIS
publishes these files more often than project.csv, so newer projects are in them.
"""

from dataclasses import dataclass, field

from base.database import update_rows
from cordis.bulk import fetch, fetch_pks, insert_rows, where_in
from cordis.records import check_lengths
from cordis.values import BadValue, max_lengths, required, text
from projects.models import FieldOfScience, ProgrammePart, Project, ProjectProgrammePart, Topic

FIELDS_OF_SCIENCE_FILE = "euroSciVoc.csv"
TOPICS_FILE = "topics.csv"
PROGRAMME_PARTS_FILE = "legalBasis.csv"

FIELDS_OF_SCIENCE_COLUMNS = (
    ["projectID", "euroSciVocCode", "euroSciVocPath", "euroSciVocTitle"],
    ["euroSciVocDescription"],
)
TOPICS_COLUMNS = (["projectID", "topic", "title"], [])
PROGRAMME_PARTS_COLUMNS = (["projectID", "legalBasis", "title"], ["uniqueProgrammePart"])


@dataclass
class Classification:
    """What one companion file says: the things it names, and each project's links."""

    file: str
    items: dict = field(default_factory=dict)  # code -> field values (title, ...)
    links: dict = field(default_factory=dict)  # cordis_id -> {code: link values}
    unknown_rows: int = 0  # rows naming a project not in project.csv
    unknown_projects: set = field(default_factory=set)

    def unknown_summary(self):
        """'euroSciVoc.csv: 6,120 rows name 2,106 projects not in project.csv', or None."""
        if not self.unknown_rows:
            return None
        return (
            f"{self.file}: {self.unknown_rows:,} rows name {len(self.unknown_projects):,} "
            "projects not in project.csv"
        )


def read_companions(open_file, dump, writer, progress):
    """Read the companion files that are there, each into a Classification (in
    dump.classifications) handed to writer.write_classification, then emptied."""
    from cordis.files import BadRow, read_rows  # files.py imports this module

    readers = [
        (FIELDS_OF_SCIENCE_FILE, FIELDS_OF_SCIENCE_COLUMNS, FieldOfScience, field_of_science),
        (TOPICS_FILE, TOPICS_COLUMNS, Topic, topic),
        (PROGRAMME_PARTS_FILE, PROGRAMME_PARTS_COLUMNS, ProgrammePart, programme_part),
    ]
    for name, columns, model, read_row in readers:
        stream = open_file(name, optional=True)
        if stream is None:
            continue
        stream.close()
        classification = Classification(name)
        # Most rows repeat another's classification for another project: read each once.
        read = {}  # the row's cells but projectID -> (items, code, link), checked
        for line, row in read_rows(open_file, name, columns, dump, progress):
            if row is None:
                continue
            cells = tuple(value for column, value in row.items() if column != "projectID")
            try:
                cordis_id = required(row, "projectID")
                if cordis_id in dump.skipped_projects:
                    skipped = f"project.csv, line {dump.skipped_projects[cordis_id]}"
                    raise BadValue(f"project {cordis_id} was skipped ({skipped})")
                items, code, link = read[cells] if cells in read else read_row(row)
            except BadValue as error:
                dump.bad_rows.append(BadRow(name, line, str(error)))
                continue
            if cordis_id not in dump.projects:
                classification.unknown_rows += 1
                classification.unknown_projects.add(cordis_id)
                continue
            if cells not in read:
                warnings = len(dump.warnings)
                for values in items.values():
                    check_lengths(values, model, name, line, dump)
                if len(dump.warnings) == warnings:  # a value cut is warned on every line
                    read[cells] = items, code, link
            for item_code, values in items.items():
                # A field of science named as a parent, then as a row of its own: merged.
                classification.items.setdefault(item_code, {}).update(values)
            classification.links.setdefault(cordis_id, {})[code] = link
        dump.classifications[name] = classification
        writer.write_classification(classification)
        classification.items, classification.links = {}, {}  # written: memory for the next


def code_of(row, column, model):
    """A classification's code: required, and never cut (the import matches on it)."""
    code = required(row, column)
    limit = max_lengths(model)["code"]
    if len(code) > limit:
        raise BadValue(f'{column} "{code[:20]}..." is longer than {limit} characters')
    return code


def field_of_science(row):
    """A euroSciVoc row: the field and every field above it, from its code and path.

    "/27/81/30021" with "/agricultural sciences/agriculture, forestry, and fisheries/
    agriculture" is "agriculture", under the two fields before it, whose codes are the code's
    beginnings ("/27", "/27/81").
    """
    code = code_of(row, "euroSciVocCode", FieldOfScience)
    path = required(row, "euroSciVocPath")
    codes, titles = code.strip("/").split("/"), path.strip("/").split("/")
    if len(codes) != len(titles):
        raise BadValue(f'euroSciVocCode "{code}" and euroSciVocPath "{path}" differ in depth')
    items = {}
    for depth in range(1, len(codes) + 1):
        items["/" + "/".join(codes[:depth])] = {
            "title": titles[depth - 1].strip(),
            "path": "/" + "/".join(t.strip() for t in titles[:depth]),
            "parent": "/" + "/".join(codes[: depth - 1]) if depth > 1 else None,
        }
    items[code] |= {
        "title": required(row, "euroSciVocTitle"),
        "description": text(row, "euroSciVocDescription"),
    }
    return items, code, {}


def topic(row):
    code = code_of(row, "topic", Topic)
    return {code: {"title": required(row, "title")}}, code, {}


def programme_part(row):
    code = code_of(row, "legalBasis", ProgrammePart)
    is_unique = text(row, "uniqueProgrammePart").lower() == "true"
    return {code: {"title": required(row, "title")}}, code, {"is_unique": is_unique}


# The import summary's table names for the files.
COMPANION_TABLES = {FIELDS_OF_SCIENCE_FILE: "fields of science", TOPICS_FILE: "topics"}
COMPANION_TABLES |= {PROGRAMME_PARTS_FILE: "programme parts"}

# Writing ------------------------------------------------------------------------------------

# Companion file -> (model, the project's link table, its column for the model).
LINKS = {
    FIELDS_OF_SCIENCE_FILE: (FieldOfScience, Project.fields_of_science.through, "fieldofscience"),
    TOPICS_FILE: (Topic, Project.topics.through, "topic"),
    PROGRAMME_PARTS_FILE: (ProgrammePart, ProjectProgrammePart, "programme_part"),
}


def write_classification(classification: Classification, project_pks: dict) -> tuple:
    """Write the classifications of a companion file and replace the links of the projects
    it names; return (created, updated, unchanged), the pks of the projects whose links
    changed, and of those linked to a classification whose title changed."""
    model, link_model, column = LINKS[classification.file]
    pks, created, updated = upsert_by_code(model, classification.items)
    wanted = {
        (project_pks[cordis_id], pks[code]): link
        for cordis_id, links in classification.links.items()
        for code, link in links.items()
    }
    projects = {project_pks[cordis_id] for cordis_id in classification.links}
    changed = replace_links(link_model, f"{column}_id", projects, wanted)
    # A classification whose title or path changed changes what its projects say (the
    # computed sections and search read them), whichever dump they came from.
    retitled = link_model.objects.filter(**{f"{column}_id__in": updated}).order_by()
    unchanged = len(classification.items) - created - len(updated)
    return (
        (created, len(updated), unchanged),
        changed,
        set(retitled.values_list("project_id", flat=True)),
    )


def upsert_by_code(model, items):
    """Create and update `items` ({code: values}) matched on code; return ({code: pk},
    how many created, the pks of those updated). A field of science is written after its
    parent: one level at a time, so the queries grow with the depth of the hierarchy, not
    with the rows."""
    fields = sorted({name for values in items.values() for name in values} - {"parent"})
    if model is FieldOfScience:
        fields.append("parent_id")
    existing = fetch(model, "code", items, fields)
    pks = {code: row["pk"] for code, row in existing.items()}
    created, updated = 0, []
    for level in sorted({depth(model, code) for code in items}):
        new, changed = [], []
        for code, values in items.items():
            if depth(model, code) != level:
                continue
            values = dict(values)
            if "parent" in values:
                parent = values.pop("parent")
                values["parent_id"] = pks[parent] if parent else None
            current = existing.get(code)
            if current is None:
                new.append({"code": code, **values})
            elif any(current[name] != value for name, value in values.items()):
                # A field the file does not give here (a parent's description) stays.
                changed.append(model(**{**current, **values}))
        insert_rows(model, new)
        update_rows(model, changed, fields)
        pks.update(fetch_pks(model, "code", [row["code"] for row in new]))
        created += len(new)
        updated += [row.pk for row in changed]
    return pks, created, updated


def depth(model, code):
    return code.count("/") if model is FieldOfScience else 0


def replace_links(link_model, column, projects, wanted):
    """Make the links of `projects` those of `wanted` ({(project pk, other pk): values});
    return the pks of the projects whose links changed."""
    extra = sorted({name for values in wanted.values() for name in values})
    existing = {}  # (project, other) -> (link pk, *extra values), as tuples: 100,000s of links
    for links in where_in(link_model.objects, "project_id", projects):
        for pk, project, other, *values in links.values_list("pk", "project_id", column, *extra):
            existing[(project, other)] = (pk, *values)
    to_remove = [
        row[0]
        for pair, row in existing.items()
        if pair not in wanted or row[1:] != tuple(wanted[pair][name] for name in extra)
    ]
    removed = set(to_remove)
    to_add = [
        {"project_id": project, column: other, **values}
        for (project, other), values in wanted.items()
        if (project, other) not in existing or existing[(project, other)][0] in removed
    ]
    for links in where_in(link_model.objects, "pk", to_remove):
        links.delete()
    insert_rows(link_model, to_add)
    changed = {row["project_id"] for row in to_add}
    changed |= {pair[0] for pair, row in existing.items() if row[0] in removed}
    return changed
