"""The organizations page's subject facets: the fields of science (top level and the
next), programmes, programme parts and topics of the results' projects, counted from their
OrganizationSubject rows (organizations/subjects.py). The projects page names its own
counts with subject_groups."""

from collections import Counter

from django.db import connections
from django.db.models import CharField, Value
from django.db.models.functions import Mod

from organizations.facets.values import Facet, FacetValue, toggle, with_params
from organizations.models import SubjectKind
from organizations.search import SAMPLES
from organizations.subjects import SUBJECT_FACETS

# Values shown per subject facet, besides those chosen (the fields' top level has fewer).
TOP_SUBJECTS = 10
# Past this many results, the subject facets are counted over a sample of about this many
# of them, spread evenly by pk, and shown as "about": counting the subjects of every one of
# 45,000 organizations would cost more than the rest of the page.
SUBJECT_EXACT_MAX = 1000
# A search's subject facets are counted exactly up to SUBJECT_EXACT_MAX results and up to
# SUBJECT_EXACT_PROJECTS projects of theirs (the sum of their project_count), over a
# sample past either. The work is the results' subject rows, which grow with their
# projects (one to three rows a project, fewer the busier the organization: 35 on average
# among HORIZON's 1,325 of "oncology", of 25 projects): under 1,000 busy organizations
# were up to 39,000 rows to group (15 to 35 ms with the machine busy). 3,000 projects are
# 3,000 to 6,000 rows, 4 to 6 ms on HORIZON (6,000 projects took 6 to 11 ms: "university"
# and "institute" read 6,500 rows of 290 organizations, now of 145).
SUBJECT_EXACT_PROJECTS = 3000


def subject_step_of(count, projects):
    """The step of a search's subject sample for `count` results with `projects` projects:
    1 (all of them) up to both thresholds, past them the power of two (for the evidence's
    sample index, up to SAMPLES) that brings both within them."""
    needed = max(-(-count // SUBJECT_EXACT_MAX), -(-projects // SUBJECT_EXACT_PROJECTS))
    return min(1 << (needed - 1).bit_length(), SAMPLES)


def sampled(results, count):
    """(results, step): every step-th of `count` results by pk, about SUBJECT_EXACT_MAX of
    them (all, step 1, when there are no more)."""
    step = -(-count // SUBJECT_EXACT_MAX)
    if step > 1:
        results = results.alias(sample=Mod("pk", step)).filter(sample=0)
    return results, step


# The top TOP_SUBJECTS subjects of each kind among `results` (and those chosen), with
# their titles: grouped, ranked and named in the database, which hands back fifty rows
# rather than the thousand-odd subjects of a search's results (HORIZON's "oncology": 929,
# whose reading and sorting took longer than their counting). Ties go by code, in code
# point order as Python sorts the projects page's counts ({code_order}). {size}: the
# organizations of a sample, which its counts are scaled up by.
TOP_SUBJECTS_SQL = """
    SELECT ranked.kind, ranked.code, ranked.n, ranked.place,
           coalesce(field.title, part.title, topic.title), {size}
      FROM (SELECT kind, code, count(*) AS n,
                   row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC, {code_order})
                       AS place
              FROM organizations_organizationsubject
             WHERE organization_id IN ({results}) {under}
             GROUP BY kind, code) AS ranked
      LEFT JOIN projects_fieldofscience AS field
             ON ranked.kind IN (%s, %s) AND field.code = ranked.code
      LEFT JOIN projects_programmepart AS part ON ranked.kind = %s AND part.code = ranked.code
      LEFT JOIN projects_topic AS topic ON ranked.kind = %s AND topic.code = ranked.code
     WHERE ranked.place <= %s {chosen}
     ORDER BY ranked.place
"""


def subject_facets(results, count, data, params, *, step=1) -> list:
    """The facets of the subjects (organizations/subjects.py) of `results`, `count` of
    them (`results` a sample of every step-th, when step > 1): one query, the top values
    of each kind with their titles; one more for the titles of chosen values that none of
    the results has. Without results, the chosen values alone (with 0), so that they can be
    taken away."""
    from projects.programmes import programme_name

    chosen = _chosen(data)
    counts = {kind: Counter() for kind in SUBJECT_FACETS}
    if not count:
        return subject_groups(counts, data, params)
    if step == 1:
        results, step = sampled(results, count)
    top = {kind: [] for kind in SUBJECT_FACETS}
    titles = {}
    for kind, code, n, place, title, size in _top_subjects(results, chosen, sampled=step > 1):
        # A sample's count scaled up to the results by the share of the sample that has
        # the subject (a sample holds more or fewer than 1/step of them: HORIZON's
        # "oncology" read "about 1,400" of 1,325 for medicine, and "about 1,200" for
        # Horizon Europe, which all of them are in).
        counts[kind][code] = round(n * count / size) if step > 1 else n
        if place <= TOP_SUBJECTS:
            top[kind].append(code)
        if kind == SubjectKind.PROGRAMME:
            titles[kind, code] = programme_name(code)
        elif title is not None:  # else the value is named by its code, as subject_titles does
            titles[kind, code] = title
    shown = {kind: top[kind] + [c for c in chosen[kind] if c not in top[kind]] for kind in top}
    unnamed = {kind: [c for c in chosen[kind] if (kind, c) not in titles] for kind in chosen}
    if any(unnamed.values()):  # chosen, and none of the results has them
        titles |= subject_titles(unnamed)
    estimated = SUBJECT_FACETS if step > 1 else ()
    return _groups(shown, counts, titles, chosen, params, estimated)


def _chosen(data):
    return {kind: list(data.get(kind) or []) for kind in SUBJECT_FACETS}


def _top_subjects(results, chosen, *, sampled=False):
    """(kind, code, results, place, title, sample size) of the top TOP_SUBJECTS subjects of
    each kind of `results` and of those `chosen` ({kind: [code]}) they have, best first;
    the next level of the fields only under the chosen top-level fields, when some are. The
    sample size is the number of `results` when they are a sample, else 0."""
    results_sql, params = results.order_by().values("pk").query.sql_with_params()
    size, size_params = "0", []
    if sampled:
        size, size_params = f"(SELECT count(*) FROM ({results_sql}) AS sample)", params
    connection = connections[results.db]
    under, under_params = "", []
    if chosen[SubjectKind.FIELD]:
        prefixes = [code + "/" for code in chosen[SubjectKind.FIELD]]
        tests = " OR ".join(["substr(code, 1, %s) = %s"] * len(prefixes))
        under = f"AND (kind <> %s OR {tests})"
        under_params = [SubjectKind.SUBFIELD] + [p for x in prefixes for p in (len(x), x)]
    picked, picked_params = [], []
    for kind, codes in chosen.items():
        if codes:
            picked.append(
                f"(ranked.kind = %s AND ranked.code IN ({', '.join(['%s'] * len(codes))}))"
            )
            picked_params += [kind, *codes]
    sql = TOP_SUBJECTS_SQL.format(
        results=results_sql,
        under=under,
        chosen="".join(f" OR {test}" for test in picked),
        code_order='code COLLATE "C"' if connection.vendor == "postgresql" else "code",
        size=size,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *size_params,
                *params,
                *under_params,
                SubjectKind.FIELD,
                SubjectKind.SUBFIELD,
                SubjectKind.PROGRAMME_PART,
                SubjectKind.TOPIC,
                TOP_SUBJECTS,
                *picked_params,
            ],
        )
        return cursor.fetchall()


def subject_groups(counts, data, params, *, estimated=()) -> list:
    """Facets from `counts` ({kind: Counter of code -> results}; those of the kinds in
    `estimated` from a sample): the top TOP_SUBJECTS of each kind and the chosen ones, named
    by their titles (one query), with links from `params` (the query string's pairs). The
    next level of the fields shows the fields under the chosen top-level ones, when some
    are."""
    chosen = _chosen(data)
    if chosen[SubjectKind.FIELD]:
        under = tuple(code + "/" for code in chosen[SubjectKind.FIELD])
        counts[SubjectKind.SUBFIELD] = Counter(
            {c: n for c, n in counts[SubjectKind.SUBFIELD].items() if c.startswith(under)}
        )
    shown = {}
    for kind in SUBJECT_FACETS:
        top = [code for code, _ in sorted(counts[kind].items(), key=lambda i: (-i[1], i[0]))]
        top = top[:TOP_SUBJECTS]
        shown[kind] = top + [code for code in chosen[kind] if code not in top]
    return _groups(shown, counts, subject_titles(shown), chosen, params, estimated)


def _groups(shown, counts, titles, chosen, params, estimated) -> list:
    """The Facets of the codes `shown` ({kind: [code]}, in order), from their `counts` and
    `titles`, linked to add or take them away from the `chosen`."""
    groups = []
    for kind in SUBJECT_FACETS:
        values = [
            FacetValue(
                titles.get((kind, code), code),
                counts[kind][code],
                code in chosen[kind],
                with_params(params, **{kind: toggle(chosen[kind], code)}),
                kind in estimated,
            )
            for code in shown[kind]
        ]
        if values:
            groups.append(Facet(kind, SubjectKind(kind).label, values))
    return groups


def subject_titles(shown) -> dict:
    """{(kind, code): title} of the codes in `shown` ({kind: [code]}): one query for the
    fields, programme parts and topics together; programmes are named without one."""
    from projects.models import FieldOfScience, ProgrammePart, Topic
    from projects.programmes import programme_name

    titles = {(SubjectKind.PROGRAMME, c): programme_name(c) for c in shown[SubjectKind.PROGRAMME]}
    fields = shown[SubjectKind.FIELD] + shown[SubjectKind.SUBFIELD]
    wanted = [
        (FieldOfScience, "field", fields),
        (ProgrammePart, SubjectKind.PROGRAMME_PART, shown[SubjectKind.PROGRAMME_PART]),
        (Topic, SubjectKind.TOPIC, shown[SubjectKind.TOPIC]),
    ]
    queries = [
        model.objects.filter(code__in=codes)
        .values_list(Value(tag, output_field=CharField()), "code", "title")
        .order_by()
        for model, tag, codes in wanted
        if codes
    ]
    if not queries:
        return titles
    for tag, code, title in queries[0].union(*queries[1:], all=True):
        if tag == "field":
            kind = SubjectKind.FIELD if code.count("/") == 1 else SubjectKind.SUBFIELD
            titles[kind, code] = title
        else:
            titles[tag, code] = title
    return titles
