"""Demo content: the reference profile (GPOH), in our own words, with its facts and figures.

Facts and figures (names, counts, amounts, dates, categories) come from the published
reference profile; every sentence here is ours.
"""

from datetime import date
from decimal import Decimal

GPOH = {
    "slug": "gpoh",
    "name": "GPOH",
    "legal_name": "GPOH GEMEINNUTZIGE GMBH",
    "pic": "923133869",
    "tagline": (
        "Germany's non-profit paediatric oncology and haematology society, connecting "
        "children's cancer centres to European big-data research on blood cancers."
    ),
    "kind": "ngo",
    "sector": "health",
    "country": "DE",
    "city": "Berlin",
    "status": "published",
    "curation": "curated",  # written and reviewed by the editors
    "figures_source": "editors",
    "project_count": 2,
    "coordinator_count": 0,
    "total_ec_funding": Decimal("842000"),
    "partner_count": 57,
    "partner_country_count": 13,
    "core_work": (
        "GPOH, the *Gesellschaft für Pädiatrische Onkologie und Hämatologie*, is the "
        "professional society of German paediatric oncology and haematology. As a non-profit "
        "body it speaks for, and coordinates, the clinical centres across Germany that treat "
        "children and teenagers with blood cancers.\n\n"
        "What it brings to research is data: real-world patient information gathered in those "
        "centres, which it channels into European disease registries and shared data "
        "platforms. Its EU-funded work sits entirely inside the HARMONY alliance, the "
        "public-private programme building a big-data infrastructure for haematological "
        "malignancies, from leukaemia in children to myeloma and myelodysplastic syndromes in "
        "adults. In a consortium it plays the part of national data custodian and disease "
        "expert, the link between everyday paediatric cancer care and pan-European research."
    ),
    "early_focus": "Pediatric cancer patient data collection",
    "recent_focus": "Translational medicine and digital health outcomes",
    "trajectory": (
        "HARMONY (2017–2023), its first project, was about specific diseases and about "
        "gathering data: its keywords name leukaemia, lymphoma, myelodysplastic syndromes, "
        "multiple myeloma and childhood cancer next to real-life patient data and a big-data "
        "platform.\n\n"
        "HARMONY PLUS (2020–2024) speaks another language: molecular genetics, translational "
        "medicine, digital health outcomes and a business model for the platform. The move is "
        "from handing over clinical records towards interpreting them, at the molecular and "
        "translational level, and towards keeping the platform alive."
    ),
    "trajectory_summary": (
        "Once a national supplier of clinical data, GPOH is becoming a partner for molecular "
        "and translational research and for the governance of health-data platforms, which "
        "makes it a good fit for precision-oncology and AI-assisted diagnosis consortia."
    ),
    "collaboration_role": "specialist_contributor",
    "reach": "european",
    "collaboration_narrative": (
        "In both of its projects GPOH joined as a partner; it has not coordinated an EU "
        "project. Both belong to the HARMONY family, a large alliance of many stakeholders, so "
        "GPOH works inside long-running structures that others lead rather than building "
        "consortia of its own. A future partner can count on it as a well-connected specialist "
        "but should plan for a strong coordinator."
    ),
    "network_narrative": (
        # No count of countries here: the figures above give it, computed from the data.
        "Two projects have given GPOH 57 distinct consortium partners from across Europe and "
        "beyond, a wide network for so few projects and a measure of HARMONY's size. Those "
        "partners are likely to include Europe's main paediatric oncology centres, "
        "pharmaceutical companies and health-data institutions."
    ),
    "why_partner": (
        "GPOH is where German paediatric oncology and haematology meet, and that gives it "
        "something a single university department or institute cannot easily offer: an "
        "organised route to clinical data from the country's specialised childhood cancer "
        "centres.\n\n"
        "As a non-profit society with no commercial stake, it is a neutral party that patients, "
        "clinicians and regulators can trust with sensitive data. For a consortium on "
        "paediatric blood cancers, or one building a European haematology registry, it is the "
        "obvious German anchor."
    ),
}

EXPERTISE = [
    {
        "name": "Pediatric hematological malignancies",
        "level": "primary",
        "projects": ["116026", "945406"],
        "evidence": (
            "Childhood cancer, leukaemia and lymphoma are keywords of both HARMONY projects, "
            "and they are what the society exists for."
        ),
    },
    {
        "name": "Real-world patient data and clinical registries",
        "level": "primary",
        "projects": ["116026", "945406"],
        "evidence": (
            "HARMONY gathered real-life patient data into one big-data platform, with GPOH "
            "contributing as a partner tied to the national registries."
        ),
    },
    {
        "name": "Hematology big data analytics and digital health outcomes",
        "level": "secondary",
        "projects": ["116026", "945406"],
        "evidence": (
            "Both projects rest on a big-data infrastructure for blood cancers; HARMONY PLUS "
            "adds digital health outcomes and data analysis to the agenda."
        ),
    },
    {
        "name": "Translational medicine and molecular genetics",
        "level": "emerging",
        "projects": ["945406"],
        "evidence": (
            "New with HARMONY PLUS, whose keywords bring genomic data and translational "
            "medicine next to clinical outcomes."
        ),
    },
    {
        "name": "Rare hematological disorders (MDS, myeloproliferative, lymphoproliferative)",
        "level": "secondary",
        "projects": ["116026", "945406"],
        "evidence": (
            "The projects' keywords cover myelodysplastic syndromes and myeloproliferative and "
            "lymphoproliferative disorders, rare diseases that depend on specialised registries."
        ),
    },
]

CAPABILITIES = [
    "Digital health platforms and patient data infrastructure",
    "Rare disease registries and outcome measurement frameworks",
    "Pediatric clinical trial networks and real-world evidence generation",
]

PROJECTS = [
    {
        "cordis_id": "116026",
        "acronym": "HARMONY",
        "slug": "harmony",
        "title": "Healthcare Alliance for Resourceful Medicines Offensive against Neoplasms in "
        "HematologY",
        "framework_programme": "H2020",
        "call": "H2020-JTI-IMI2-2015-06-two-stage",
        "start_date": date(2017, 1, 1),
        "end_date": date(2023, 12, 31),
        "objective": (
            "A European big-data platform for haematological malignancies that brings "
            "together real-life patient data to improve care for children and adults with "
            "blood cancers."
        ),
        "keywords": [
            "leukemia",
            "lymphoma",
            "myelodysplastic syndromes",
            "multiple myeloma",
            "childhood cancer",
            "real-life patient data",
            "big data platform",
            "myeloproliferative disorders",
            "lymphoproliferative disorders",
        ],
        "gpoh": {
            "ec_contribution": Decimal("751855"),
            "notable_rank": 1,
            "highlight": (
                "The flagship: one of Europe's largest attempts at a single big-data platform "
                "for blood cancers, covering adults and children in many countries."
            ),
        },
    },
    {
        "cordis_id": "945406",
        "acronym": "HARMONY PLUS",
        "slug": "harmony-plus",
        "title": "Healthcare Alliance for Resourceful Medicines Offensive against Neoplasms in "
        "Hematology – PLUS",
        "framework_programme": "H2020",
        "call": "H2020-JTI-IMI2-2019-19-single-stage",
        "start_date": date(2020, 10, 1),
        "end_date": date(2024, 9, 30),
        "objective": (
            "The extension of HARMONY to more blood cancers, adding molecular genetics, "
            "translational medicine and digital health outcomes to the platform."
        ),
        "keywords": [
            "childhood cancer",
            "leukemia",
            "lymphoma",
            "molecular genetics",
            "translational medicine",
            "digital health outcomes",
            "data analysis",
            "business model",
        ],
        "gpoh": {
            "ec_contribution": Decimal("90145"),
            "notable_rank": 2,
            "highlight": (
                "HARMONY's continuation, which took the alliance from collecting data into "
                "molecular genetics and translational medicine, with GPOH on board."
            ),
        },
    },
]

ANALYSIS_NOTE = (
    "Thin evidence: the profile rests on two projects from one family (HARMONY), so it says "
    "little about how versatile GPOH is or whether it has a research agenda of its own. Its "
    "size, in-house research capacity and the depth of its clinical network cannot be read "
    "from project data; its publications or the scope of its registries would tell more."
)
