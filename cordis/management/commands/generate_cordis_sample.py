"""Synthetic CORDIS files of any size, for import tests and benchmarks.

Every name is plainly fictional ("FICTIONAL UNIVERSITY 12 OF NORTHBRIDGE"); the layout is
that of the CORDIS H2020 files (the header of the real project.csv and organization.csv, plus
a keywords column in project.csv), and the companion files euroSciVoc.csv, topics.csv and
legalBasis.csv are those of the HORIZON zip (every field quoted, as there). The same seed
gives the same files. --changed 5 writes a newer dump of the same sample instead, 5% of its
rows changed (cordis/sample_changes.py).
"""

import csv
import itertools
import random
import tempfile
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

# The header lines of the real files, plus a keywords column (some CORDIS dumps have one).
PROJECT_HEADER_LINE = (
    "id;acronym;status;title;startDate;endDate;totalCost;ecMaxContribution;legalBasis;topics;"
    "ecSignatureDate;frameworkProgramme;masterCall;subCall;fundingScheme;nature;objective;"
    "contentUpdateDate;rcn;grantDoi;keywords"
)
ORGANIZATION_HEADER_LINE = (
    "projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;street;"
    "postCode;city;country;nutsCode;geolocation;organizationURL;contactForm;contentUpdateDate;"
    "rcn;order;role;ecContribution;netEcContribution;totalCost;endOfParticipation;active"
)

# CORDIS country codes, UK and EL included, roughly as often as in H2020.
COUNTRIES = ["DE", "UK", "FR", "ES", "IT", "NL", "BE", "CH", "SE", "AT", "DK", "EL", "PT"]
COUNTRIES += ["FI", "IE", "NO", "PL", "IL", "US", "CZ", "HU", "SI", "CA", "ZA", "JP"]
COUNTRY_WEIGHTS = [14, 12, 10, 10, 9, 8, 6, 5, 4, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
# activityType -> the word in the fictional name; "" is an organization without a type.
KIND_WORDS = {
    "HES": "UNIVERSITY",
    "REC": "RESEARCH INSTITUTE",
    "PRC": "COMPANY",
    "PUB": "PUBLIC AGENCY",
    "OTH": "FOUNDATION",
    "": "INSTITUTE",
}
KIND_WEIGHTS = [30, 25, 30, 6, 6, 3]
TOWNS = ["NORTHBRIDGE", "EASTMERE", "WESTHOLM", "SOUTHVALE", "LAKESIDE", "HILLCREST"]
TOWNS += ["RIVERTON", "OAKFORD", "STONEHAVEN", "MARSHFIELD", "GLENWOOD", "ASHBURY"]
EXTRA_ROLES = ["participant"] * 90 + ["partner"] * 4 + ["thirdParty"] * 3
EXTRA_ROLES += ["associatedPartner", "associatedPartner", "internationalPartner"]
SCHEMES = ["RIA", "IA", "CSA", "MSCA-ITN-ETN", "ERC-STG", "SME-2"]
STATUSES = ["CLOSED", "SIGNED", "TERMINATED"]
WORDS_TEXT = (
    "data platform patient registry vaccine protein imaging sensor battery grid climate soil "
    "water ocean crop microbiome catalyst polymer quantum photonic robot mobility hydrogen "
    "biomarker cohort trial model network security privacy language learning heritage city "
    "material coating alloy membrane enzyme antibody cell tissue genome screening analysis"
)
WORDS = WORDS_TEXT.split()
# The companion files' headers, as in the HORIZON zip.
FIELDS_OF_SCIENCE_HEADER = ["projectID", "euroSciVocCode", "euroSciVocPath", "euroSciVocTitle"]
FIELDS_OF_SCIENCE_HEADER += ["euroSciVocDescription"]
TOPICS_HEADER = ["projectID", "topic", "title"]
PROGRAMME_PARTS_HEADER = ["projectID", "legalBasis", "title", "uniqueProgrammePart"]
# Fictional programme parts (code, title), and the share of companion rows that name a project
# the dump does not hold (CORDIS publishes these files more often than project.csv).
PROGRAMME_PARTS = [
    (f"H2020-EU.{a}.{b}.", f"Fictional programme part {a}.{b}")
    for a in (1, 2, 3)
    for b in (1, 2, 3)
]
UNKNOWN_PROJECTS = 0.02


class Command(BaseCommand):
    help = (
        "Write synthetic CORDIS-layout files of any size: project.csv, organization.csv and "
        "the companion files (euroSciVoc.csv, topics.csv, legalBasis.csv)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="Folder to write project.csv and organization.csv to.")
        parser.add_argument("--projects", type=int, default=100)
        parser.add_argument("--organizations", type=int, default=150)
        parser.add_argument("--participations", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--changed",
            type=float,
            metavar="PERCENT",
            help="Write a newer dump of the same sample instead: this share of its rows "
            "changed (amounts, roles, statuses, countries, fields of science, new rows).",
        )

    def handle(self, *args, out, projects, organizations, participations, seed, changed, **opts):
        try:
            if changed is None:
                write_sample(out, projects, organizations, participations, seed=seed)
            else:
                # Imported here: it builds on this module's names.
                from cordis.sample_changes import write_changed

                with tempfile.TemporaryDirectory() as folder:
                    write_sample(folder, projects, organizations, participations, seed=seed)
                    write_changed(folder, out, changed / 100, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Wrote {projects:,} projects, {organizations:,} organizations and "
            f"{participations:,} participations to {out}"
            + ("." if changed is None else f", {changed:g}% of the rows changed.")
        )


def write_sample(out, n_projects, n_organizations, n_participations, *, seed=1):
    """Write the two files into the folder `out` (created if needed)."""
    if min(n_projects, n_organizations) < 1:
        raise ValueError("At least one project and one organization are needed.")
    # Each project has a coordinator, each organization a project, and no pair repeats.
    if not max(n_projects, n_organizations) <= n_participations <= n_projects * n_organizations:
        raise ValueError(
            "--participations must be at least the number of projects and of organizations, "
            "and at most their product."
        )
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    organizations = [fictional_organization(i, rng) for i in range(n_organizations)]
    members = consortia(n_projects, n_organizations, n_participations, rng)
    keywords = [f"{a} {b}" for a, b in itertools.permutations(WORDS, 2)]
    fields = fields_of_science()
    with ExitStack() as files:
        writers = {
            name: csv_writer(
                files.enter_context(open(out / name, "w", newline="", encoding="utf-8")), name
            )
            for name in SAMPLE_FILES
        }
        writers["project.csv"].writerow(PROJECT_HEADER_LINE.split(";"))
        writers["organization.csv"].writerow(ORGANIZATION_HEADER_LINE.split(";"))
        writers["euroSciVoc.csv"].writerow(FIELDS_OF_SCIENCE_HEADER)
        writers["topics.csv"].writerow(TOPICS_HEADER)
        writers["legalBasis.csv"].writerow(PROGRAMME_PARTS_HEADER)
        for number, consortium in enumerate(members):
            project = fictional_project(number, rng, keywords)
            companions = companion_rows(project, fields, rng)
            if rng.random() < UNKNOWN_PROJECTS:  # a newer project, not in project.csv
                companions += companion_rows([str(9_000_000 + number)], fields, rng)
            project[8] = ";".join(row[1] for name, row in companions if name == "legalBasis.csv")
            project[9] = ";".join(row[1] for name, row in companions if name == "topics.csv")
            writers["project.csv"].writerow(project)
            for name, row in companions:
                writers[name].writerow(row)
            for order, index in enumerate(consortium, start=1):
                role = "coordinator" if order == 1 else rng.choice(EXTRA_ROLES)
                writers["organization.csv"].writerow(
                    participation_row(project, organizations[index], order, role, rng)
                )


SAMPLE_FILES = ["project.csv", "organization.csv", "euroSciVoc.csv", "topics.csv"]
SAMPLE_FILES += ["legalBasis.csv"]


def csv_writer(file, name):
    """The H2020 files unquoted where they can be, the companion files quoted throughout."""
    quoting = csv.QUOTE_MINIMAL if name in ("project.csv", "organization.csv") else csv.QUOTE_ALL
    return csv.writer(file, delimiter=";", lineterminator="\n", quoting=quoting)


def fields_of_science():
    """A fictional three-level hierarchy of fields of science: (code, path, title) of each leaf."""
    leaves = []
    for a, top in enumerate(WORDS[:6], start=21):
        for b, middle in enumerate(WORDS[6:12], start=1):
            for c, leaf in enumerate(WORDS[12:20], start=1):
                code = f"/{a}/{a}{b}/{a}{b}{c}"
                path = f"/{top} sciences/{middle} studies/{leaf} {middle}"
                leaves.append((code, path, f"{leaf} {middle}"))
    return leaves


def companion_rows(project, fields, rng):
    """[(file name, row)]: a project's fields of science, topic and programme parts."""
    cordis_id = project[0]
    rows = []
    for code, path, title in rng.sample(fields, rng.randint(1, 5)):
        rows.append(("euroSciVoc.csv", [cordis_id, code, path, title, ""]))
    topic = rng.randint(1, 400)
    topic_row = [cordis_id, f"H2020-FICT-TOPIC-{topic}", f"Fictional topic {topic}"]
    rows.append(("topics.csv", topic_row))
    for number, (code, title) in enumerate(rng.sample(PROGRAMME_PARTS, rng.choice([1, 1, 2]))):
        rows.append(("legalBasis.csv", [cordis_id, code, title, "true" if not number else "false"]))
    return rows


def consortia(n_projects, n_organizations, n_participations, rng):
    """The organizations of each project: lists of distinct indexes, sizes skewed like H2020
    (most consortia small, a few large), every organization in at least one project."""
    cap = max(min(n_organizations, 150), -(-n_participations // n_projects))
    sizes = [1] * n_projects
    weights = [rng.paretovariate(1.3) for _ in range(n_projects)]
    overflow = 0
    for j in rng.choices(range(n_projects), weights=weights, k=n_participations - n_projects):
        if sizes[j] < cap:
            sizes[j] += 1
        else:
            overflow += 1
    for j in itertools.cycle(range(n_projects)):  # the draws that hit a full project
        if not overflow:
            break
        if sizes[j] < cap:
            sizes[j] += 1
            overflow -= 1

    slots = [j for j, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(slots)
    everyone = list(range(n_organizations))
    rng.shuffle(everyone)
    # Some organizations (the big universities) are in many projects.
    popularity = list(itertools.accumulate(1 / (rank + 5) for rank in range(n_organizations)))
    members = [[] for _ in range(n_projects)]
    chosen = [set() for _ in range(n_projects)]
    for slot, j in enumerate(slots):
        if slot < n_organizations:
            index = everyone[slot]  # the first slots give every organization a project
        else:
            index = rng.choices(everyone, cum_weights=popularity)[0]
            tries = 0
            while index in chosen[j]:
                tries += 1
                if tries < 20:
                    index = rng.choices(everyone, cum_weights=popularity)[0]
                else:  # a nearly full consortium: take the first one missing
                    index = next(i for i in everyone if i not in chosen[j])
        chosen[j].add(index)
        members[j].append(index)
    return members


def fictional_organization(i, rng):
    activity = rng.choices(list(KIND_WORDS), weights=KIND_WEIGHTS)[0]
    town = rng.choice(TOWNS)
    return {
        "pic": str(800_000_000 + i),
        "name": f"FICTIONAL {KIND_WORDS[activity]} {i} OF {town}",
        "short_name": f"FICT{i}" if rng.random() < 0.3 else "",
        "activity": activity,
        "street": f"{rng.randint(1, 200)} SAMPLE STREET",
        "post_code": str(rng.randint(1000, 99999)),
        "city": town,
        "country": rng.choices(COUNTRIES, weights=COUNTRY_WEIGHTS)[0],
        "url": f"https://fictional-{i}.example.org" if rng.random() < 0.7 else "",
    }


def fictional_project(number, rng, keywords):
    start = date(2014, 1, 1) + timedelta(days=rng.randint(0, 8 * 365))
    end = start + timedelta(days=rng.randint(365, 5 * 365))
    total = rng.randint(50_000, 20_000_000) + rng.randint(0, 99) / 100
    topic = " and ".join(rng.sample(WORDS, 2))
    return [
        str(5_000_000 + number),  # id
        f"FICT{number}",  # acronym
        rng.choice(STATUSES),
        f"Fictional project {number} on {topic}",
        start.isoformat(),
        end.isoformat(),
        amount(total, rng),
        amount(total * rng.uniform(0.5, 1), rng),
        "H2020-EU.1.1.",  # legalBasis
        "",  # topics
        "",  # ecSignatureDate
        "H2020",
        f"H2020-FICT-{start.year}-{rng.randint(1, 20)}",  # masterCall
        "",  # subCall
        rng.choice(SCHEMES),
        "",  # nature
        objective(number, rng),
        "",  # contentUpdateDate
        str(900_000 + number),  # rcn
        "",  # grantDoi
        # Keywords, now and then in other capitals than before ("Data Platform").
        ",".join(k.title() if rng.random() < 0.1 else k for k in rng.sample(keywords, 4)),
    ]


def objective(number, rng):
    """About as long as a real objective, with the ';' and line breaks CSV must quote."""
    sentences = []
    for _ in range(rng.randint(8, 16)):
        words = rng.choices(WORDS, k=rng.randint(10, 20))
        sentences.append(" ".join(words).capitalize() + ".")
    sentences[2] += "\n"
    sentences[4] = sentences[4][:-1] + "; see also the fictional work package 3."
    return f"Fictional project {number} aims at " + " ".join(sentences)


def participation_row(project, organization, order, role, rng):
    contribution = rng.randint(10_000, 2_000_000) + rng.randint(0, 99) / 100
    contribution = "" if rng.random() < 0.1 else amount(contribution, rng)
    return [
        project[0],
        project[1],
        organization["pic"],
        "",  # vatNumber
        organization["name"],
        organization["short_name"],
        "",  # SME
        organization["activity"],
        organization["street"],
        organization["post_code"],
        organization["city"],
        organization["country"],
        "",  # nutsCode
        "",  # geolocation
        organization["url"],
        "",  # contactForm
        "",  # contentUpdateDate
        "",  # rcn
        str(order),
        role,
        contribution,
        contribution,  # netEcContribution
        contribution,  # totalCost
        "",  # endOfParticipation
        "true",  # active
    ]


def amount(value, rng):
    """An amount as CORDIS writes it: "1234.5", and in some dumps "1234,5"."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if rng.random() < 0.3 else text
