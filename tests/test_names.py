"""The name a profile shows: one rule (cordis.values.readable), tried on real HORIZON names.

A new organization's name is its legal name made readable, helped by its short name; the
legal name is kept as CORDIS writes it; after that the name is the editors', whatever later
imports say.
"""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command

from cordis.values import readable
from organizations.models import Organization
from tests.data import CORDIS_HORIZON

# (legal name, short name, as CORDIS writes them) -> the name shown. All from the HORIZON dump.
REAL_NAMES = [
    (
        "SIHTASUTUS TARTU ULIKOOLI KLIINIKUM",
        "TARTU UNIVERSITY HOSPITAL",
        "Sihtasutus Tartu Ulikooli Kliinikum",
    ),
    ("TARTU BT PARK OU", "TARTU BT PARK", "Tartu BT Park OU"),
    ("VIB VZW", "VLAAMS  INSTITUUT BIOTECHNOLOGIE FLANDERS INSTITUTE FOR BIOTECHNOLOGY", "VIB VZW"),
    ("ABBVIE DEUTSCHLAND GMBH & CO KG", "ABBV", "Abbvie Deutschland GmbH & Co KG"),
    ("LAUDA DR. R. WOBSER GMBH & CO KG", "", "Lauda Dr. R. Wobser GmbH & Co KG"),
    ("VACUUMSCHMELZE GMBH & CO KG", "VAC", "Vacuumschmelze GmbH & Co KG"),
    ("HERAEUS ELECTRONICS GMBH & CO. KG", "", "Heraeus Electronics GmbH & Co. KG"),
    ("GEOKOMPETENZZENTRUM FREIBERG EV", "GKZ", "Geokompetenzzentrum Freiberg eV"),
    ("EIT HEALTH EV", "", "EIT Health eV"),
    (
        "FRAUNHOFER GESELLSCHAFT ZUR FORDERUNG DER ANGEWANDTEN FORSCHUNG EV",
        "Fraunhofer",
        "Fraunhofer Gesellschaft zur Forderung der Angewandten Forschung eV",
    ),
    ("SEINAJOEN AMMATTIKORKEAKOULU OY", "SeAMK", "Seinajoen Ammattikorkeakoulu Oy"),
    (
        "AEROPORTO GUGLIELMO MARCONI DI BOLOGNA SPA",
        "",
        "Aeroporto Guglielmo Marconi di Bologna SpA",
    ),
    ("F.I.S. FABBRICA ITALIANA SINTETICI SPA", "", "F.I.S. Fabbrica Italiana Sintetici SpA"),
    ("JANSSEN PHARMACEUTICA NV", "", "Janssen Pharmaceutica NV"),
    ("FOX BIOSYSTEMS NV", "FOx Biosystems", "FOx Biosystems NV"),
    ("ORPHEUS INSTITUUT VZW", "", "Orpheus Instituut VZW"),
    (
        "MINISTERE DE L'ENSEIGNEMENT SUPERIEUR  ET DE LA RECHERCHE",
        "",
        "Ministere de l'Enseignement Superieur et de la Recherche",
    ),
    (
        "INSTITUT NATIONAL DE RECHERCHE POUR L'AGRICULTURE, L'ALIMENTATION ET L'ENVIRONNEMENT",
        "INRAE",
        "Institut National de Recherche pour l'Agriculture, l'Alimentation et l'Environnement",
    ),
    ("KING'S COLLEGE LONDON", "", "King's College London"),
    (
        "KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST",
        "KCH",
        "King's College Hospital NHS Foundation Trust",
    ),
    ("TECHNISCHE UNIVERSITAET MUENCHEN", "TUM", "Technische Universitaet Muenchen"),
    (
        "CENTRO NACIONAL DE INVESTIGACIONES CARDIOVASCULARES CARLOS III (F.S.P.)",
        "CNIC",
        "Centro Nacional de Investigaciones Cardiovasculares Carlos III (F.S.P.)",
    ),
    ("UNIVERSITE RENNES II", "RENNES 2", "Universite Rennes II"),
    ("University of Naples Federico II", "", "University of Naples Federico II"),
    ("CAMINO SCIENCE SP. Z O.O.", "", "Camino Science Sp. z o.o."),
    ("KATHOLIEKE UNIVERSITEIT LEUVEN", "KU Leuven", "Katholieke Universiteit Leuven"),
    (
        "CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE CNRS",
        "CNRS",
        "Centre National de la Recherche Scientifique CNRS",
    ),
    ("ASTRAZENECA AB", "", "Astrazeneca AB"),
    ("UNIVERSITE SAINT-LOUIS-BRUXELLES ASBL", "", "Universite Saint-Louis-Bruxelles ASBL"),
    ("UNIVERSITE JEAN MONNET SAINT-ETIENNE", "", "Universite Jean Monnet Saint-Etienne"),
    ("EIT MANUFACTURING ASBL", "EIT MANUFACTURING ASBL", "EIT Manufacturing ASBL"),
    ("INSTITUTO TECNOLOGICO DE CANARIAS,S.A.", "ITC", "Instituto Tecnologico de Canarias, S.A."),
    ("SGS Portugal, S.A.", "SGS Portugal, S.A.", "SGS Portugal, S.A."),
    ("MAZE IMPACT, S.A.", "", "Maze Impact, S.A."),
    ("SCICO CYPRUS LTD", "SciCo Cyprus", "SciCo Cyprus Ltd"),
    (
        "TECHNION RESEARCH AND DEVELOPMENT FOUNDATION LTD",
        "TRDF LTD",
        "Technion Research and Development Foundation Ltd",
    ),
    ("3DEUS DYNAMICS SAS", "", "3DEUS Dynamics SAS"),
    ("VOLVO PERSONVAGNAR AB", "Volvo Cars", "Volvo Personvagnar AB"),
    (
        "NEWCLIMATE INSTITUTE FOR CLIMATE POLICY AND GLOBAL SUSTAINABILITY GGMBH",
        "NEWCLIMATE",
        "Newclimate Institute for Climate Policy and Global Sustainability gGmbH",
    ),
    (
        "National Institute of Standards and Technology",
        "",
        "National Institute of Standards and Technology",
    ),
    ("UNIVERSITY OF MALAYA", "", "University of Malaya"),
    ("HUAWEI TECHNOLOGIES SWEDEN AB", "HWSE", "Huawei Technologies Sweden AB"),
    ("DCCS GMBH", "DCCS", "DCCS GmbH"),
    ("EDWARDS LIFESCIENCES LLC", "", "Edwards Lifesciences LLC"),
    ("GMV INNOVATING SOLUTIONS SRL", "", "GMV Innovating Solutions SRL"),
    (
        "HESSISCHE STIFTUNG FRIEDENS- UND KONFLIKTFORSCHUNG",
        "HSFK",
        "Hessische Stiftung Friedens- und Konfliktforschung",
    ),
    ("AWAKE.AI OY", "", "Awake.ai Oy"),
    ("NV PWN WATERLEIDINGBEDRIJF NOORD-HOLLAND", "", "NV PWN Waterleidingbedrijf Noord-Holland"),
    (
        "THE RURAL INVESTMENT SUPPORT FOR EUROPE FOUNDATION",
        "",
        "The Rural Investment Support for Europe Foundation",
    ),
    ("Nederlandse Cystic Fibrosis Stichting", "NCFS", "Nederlandse Cystic Fibrosis Stichting"),
    (
        "COMMSIGNIA Korlatolt Felelossegu Tarsasag",
        "COMMSIGNIA Kft.",
        "COMMSIGNIA Korlatolt Felelossegu Tarsasag",
    ),
    ("AETNA GROUP SPA", "AETNA GROUP", "Aetna Group SpA"),
    ("KIWA CERMET ITALIA SPA", "KIWA", "KIWA Cermet Italia SpA"),
    (
        '"NATIONAL CENTER FOR SCIENTIFIC RESEARCH ""DEMOKRITOS"""',
        '"NCSR ""D"""',  # quoted twice over, as CORDIS writes them
        'National Center for Scientific Research "Demokritos"',
    ),
    (
        '"Research and production centre ""Forel"""',
        '"Research and production centre ""Forel"""',
        'Research and production centre "Forel"',
    ),
    (
        "EIDGENOESSISCHES DEPARTEMENT FUER WIRTSCHAFT, BILDUNG UND FORSCHUNG",
        "WBF",
        "Eidgenoessisches Departement fuer Wirtschaft, Bildung und Forschung",
    ),
    ("UNIVERSITAETSKLINIKUM HAMBURG-EPPENDORF", "UKE", "Universitaetsklinikum Hamburg-Eppendorf"),
    ("ASPILSAN ENERJI SANAYI VE TICARET AS", "", "Aspilsan Enerji Sanayi ve Ticaret AS"),
]


@pytest.mark.parametrize(("legal_name", "short_name", "shown"), REAL_NAMES)
def test_a_real_name_reads_right(legal_name, short_name, shown):
    assert readable(legal_name, short_name) == shown


@pytest.mark.parametrize(
    ("legal_name", "shown"),
    [
        ("UNIVERSITY OF TARTU", "University of Tartu"),  # the issue's examples
        ("VIB VZW", "VIB VZW"),
        ("ABBVIE DEUTSCHLAND GMBH & CO KG", "Abbvie Deutschland GmbH & Co KG"),
    ],
)
def test_the_issues_examples(legal_name, shown):
    assert readable(legal_name) == shown


@pytest.mark.skipif(not CORDIS_HORIZON.exists(), reason=f"{CORDIS_HORIZON} missing")
def test_the_names_are_real():
    with zipfile.ZipFile(CORDIS_HORIZON) as archive, archive.open("organization.csv") as raw:
        rows = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig"), delimiter=";")
        in_the_dump = {(row["name"], row["shortName"]) for row in rows}
    assert len(REAL_NAMES) >= 40
    assert {(legal, short) for legal, short, _ in REAL_NAMES} <= in_the_dump


@pytest.mark.parametrize(
    ("city", "shown"), [("GRAZ", "Graz"), ("SAINT-ETIENNE", "Saint-Etienne"), ("Paris", "Paris")]
)
def test_cities_follow_the_same_rule(city, shown):
    assert readable(city) == shown


HEADER = "projectID;projectAcronym;organisationID;name;shortName;role;country\n"


def write_dump(folder, legal_name, short_name):
    folder.mkdir(exist_ok=True)
    (folder / "project.csv").write_text("id;acronym;title\n1;ONE;One\n")
    (folder / "organization.csv").write_text(
        HEADER + f"1;ONE;999;{legal_name};{short_name};coordinator;BE\n"
    )
    return folder


@pytest.mark.django_db
def test_a_new_organization_shows_its_readable_legal_name_and_keeps_an_editors_name(tmp_path):
    call_command("import_cordis", str(write_dump(tmp_path / "d", "VIB VZW", "VIB")), verbosity=0)
    organization = Organization.objects.get(pic="999")
    # Not the short name: "VIB" (or "UT" for the University of Tartu) says little.
    assert (organization.name, organization.legal_name) == ("VIB VZW", "VIB VZW")
    assert organization.short_name == "VIB"

    Organization.objects.filter(pk=organization.pk).update(name="VIB (Flanders)")
    folder = write_dump(tmp_path / "d", "VLAAMS INSTITUUT VOOR BIOTECHNOLOGIE VZW", "VIB")
    call_command("import_cordis", str(folder), verbosity=0)
    organization.refresh_from_db()
    assert organization.legal_name == "VLAAMS INSTITUUT VOOR BIOTECHNOLOGIE VZW"
    assert organization.name == "VIB (Flanders)"  # the editors'
