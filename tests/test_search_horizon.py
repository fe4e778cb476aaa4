"""Relevance on the real HORIZON data: subject words find the organizations working in that
field, and misspelt or accented names find their organization first. Runs on the test
run's database engine (the session's horizon_database import)."""

import json

import pytest

from tests.data import CORDIS_HORIZON

pytestmark = pytest.mark.skipif(
    not CORDIS_HORIZON.exists(), reason=f"no HORIZON dump at {CORDIS_HORIZON}"
)

# euroSciVoc titles of fields of different branches: chemical sciences, computer science,
# basic medicine, demography, mathematics, physics, medical biotechnology.
SUBJECTS = [
    "catalysis",
    "cryptography",
    "homeostasis",
    "mortality",
    "geometry",
    "superconductivity",
    "implants",
]
# (what a visitor types, the name CORDIS gives): accents, umlauts, typos.
NAMES = [
    ("Université Grenoble Alpes", "Universite Grenoble Alpes"),
    ("univrsite grenoble alpes", "Universite Grenoble Alpes"),
    ("technishe universität münchen", "Technische Universitaet Muenchen"),
    ("tecnische universitaet muenchen", "Technische Universitaet Muenchen"),
    ("universidad politécnica madrd", "Universidad Politecnica de Madrid"),
]

SCRIPT = """
import json
from organizations.models import Organization
from organizations.search import search_organizations
from projects.models import Participation

def ranked(q):
    found = search_organizations(Organization.objects.all(), q).organizations
    return list(found.order_by("-search_rank", "name", "pk").values_list("pk", flat=True))

subjects, names = {}, {}
for title in SUBJECTS:
    in_field = Participation.objects.filter(project__fields_of_science__title=title)
    subjects[title] = {"in_field": sorted(set(in_field.values_list("organization_id", flat=True))),
                       "found": ranked(title)}
for q, name in NAMES:
    first = ranked(q)[:1]
    names[q] = [Organization.objects.get(pk=first[0]).name if first else None, name]
print(json.dumps({"subjects": subjects, "names": names}))
"""


@pytest.fixture(scope="module")
def searched(horizon_database):
    script = SCRIPT.replace("SUBJECTS", repr(SUBJECTS)).replace("NAMES", repr(NAMES))
    return json.loads(horizon_database.manage("shell", "--no-imports", "-c", script))


@pytest.mark.parametrize("title", SUBJECTS)
def test_a_subject_finds_the_organizations_working_in_it(searched, title):
    in_field, found = (
        set(searched["subjects"][title]["in_field"]),
        searched["subjects"][title]["found"],
    )
    assert len(in_field) >= 100  # a subject with enough organizations to mean something
    assert len(in_field & set(found)) >= 0.9 * len(in_field)
    assert all(pk in in_field for pk in found[:20]), title


@pytest.mark.parametrize("q", [q for q, _ in NAMES])
def test_misspelt_and_accented_names_find_their_organization_first(searched, q):
    first, name = searched["names"][q]
    assert first == name
