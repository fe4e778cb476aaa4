"""A newer dump of a synthetic sample: the same files with a share of their rows changed, as
CORDIS's next dump would change them (deterministic for a seed).

Of organization.csv's rows, that share changes: most in their ecContribution, some in their
role, some organizations in their country (on every row, as CORDIS would), and new rows (an
organization joining a project) a tenth of that share. Of project.csv's rows, that share
changes status; of euroSciVoc.csv's, that share names another field of science.
"""

import csv
import random
from pathlib import Path

from cordis.management.commands.generate_cordis_sample import (
    COUNTRIES,
    SAMPLE_FILES,
    csv_writer,
    fields_of_science,
)

STATUSES = {"SIGNED": "CLOSED", "CLOSED": "TERMINATED", "TERMINATED": "SIGNED"}


def write_changed(source, out, share: float, *, seed: int = 1) -> None:
    """Write into `out` the files of the sample in `source`, `share` (0.05) of rows changed."""
    rng = random.Random(f"changed-{seed}")
    source, out = Path(source), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = {name: read(source / name) for name in SAMPLE_FILES if (source / name).exists()}

    header, *projects = rows["project.csv"]
    status = header.index("status")
    for row in rng.sample(projects, round(share * len(projects))):
        row[status] = STATUSES.get(row[status], "SIGNED")

    header, *participations = rows["organization.csv"]
    column = {name: header.index(name) for name in header}
    pics = sorted({row[column["organisationID"]] for row in participations})
    moving = set(rng.sample(pics, round(share * len(pics) / 10)))
    for row in participations:  # an organization's country changes on all its rows
        if row[column["organisationID"]] in moving:
            row[column["country"]] = rng.choice(
                [c for c in COUNTRIES if c != row[column["country"]]]
            )
    for row in rng.sample(participations, round(share * len(participations))):
        if rng.random() < 0.85 or row[column["role"]] == "coordinator":
            amount = f"{rng.randint(10_000, 2_000_000)}.{rng.randint(0, 99):02d}"
            row[column["ecContribution"]] = row[column["netEcContribution"]] = amount
        else:
            row[column["role"]] = "partner" if row[column["role"]] != "partner" else "participant"
    members = {}
    for row in participations:
        members.setdefault(row[column["projectID"]], set()).add(row[column["organisationID"]])
    by_pic = {row[column["organisationID"]]: row for row in participations}
    projects_by_id = {row[0]: row for row in projects}
    for _ in range(round(share * len(participations) / 10)):  # organizations joining projects
        project = rng.choice(sorted(members))
        pic = rng.choice(pics)
        if pic in members[project]:
            continue
        members[project].add(pic)
        row = list(by_pic[pic])
        row[column["projectID"]] = project
        row[column["projectAcronym"]] = projects_by_id[project][1]
        row[column["role"]] = "participant"
        row[column["order"]] = str(len(members[project]))
        participations.append(row)
    rows["organization.csv"] = [header, *participations]

    header, *fields = rows["euroSciVoc.csv"]
    leaves = fields_of_science()
    for row in rng.sample(fields, round(share * len(fields))):
        row[1:4] = rng.choice(leaves)

    for name, file_rows in rows.items():
        with open(out / name, "w", newline="", encoding="utf-8") as file:
            csv_writer(file, name).writerows(file_rows)


def read(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file, delimiter=";"))
