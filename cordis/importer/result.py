"""What an import did: counts per table, the rows to look at, the figures recomputed."""

from dataclasses import dataclass, field

TABLES = ["projects", "organizations", "participations", "keywords"]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int | None = None  # None: rows of this table are not skipped on their own
    # Of the unchanged, those whose file row is the one the last import wrote from: not read
    # again, nor compared with the database (cordis/digests.py).
    not_read: int = 0


@dataclass
class ImportResult:
    rows: dict = field(default_factory=dict)  # file name -> rows read
    bad_rows: list = field(default_factory=list)  # skipped with --skip-bad-rows
    merged: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    counts: dict = field(default_factory=lambda: {table: Counts() for table in TABLES})
    # The organizations whose figures were recomputed: those whose figures the dump's
    # changes affect (cordis/importer/figures.py), and the dump's organizations whose figures
    # an editor had entered.
    figures_refreshed: int = 0
    sections_refreshed: int = 0  # organizations whose computed sections were stored again
    seconds: float = 0.0
    # "euroSciVoc.csv: 6,120 rows name 2,106 projects not in project.csv", per companion file
    unknown_projects: list = field(default_factory=list)

    @property
    def data_changed(self):
        return any(c.created or c.updated for c in self.counts.values())

    @property
    def changed(self):
        return self.data_changed or bool(self.figures_refreshed)
