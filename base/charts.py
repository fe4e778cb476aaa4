"""Charts drawn on the server as SVG: no JavaScript, and nothing the page's CSP forbids.

Python works out the geometry; templates/includes/column_chart.html draws it, its columns'
marks written by the column_marks tag (base/templatetags/charts.py). Positions are
in the SVG's own units (its viewBox), so the chart scales with the width of its column, and
colours come from the stylesheet (classes, not style attributes).
"""

from dataclasses import dataclass

SLOT = 40  # width of one column and its gap, in viewBox units
BAR = 28
PLOT_HEIGHT = 100  # the tallest column
TOP = 16  # room for the value above the tallest column
BOTTOM = 18  # room for the labels under the columns
# CSS pixels per viewBox unit: a chart of a few years stays small, one of many shrinks to fit.
SCALE = 1.6


@dataclass(frozen=True)
class Column:
    label: str
    text: str  # the value, as the chart writes it above the column
    x: float
    y: float
    height: float

    @property
    def centre(self):
        return self.x + BAR / 2

    @property
    def value_y(self):  # the baseline of the value written above the column
        return self.y - 4


@dataclass(frozen=True)
class ColumnChart:
    columns: list
    width: int
    height: int = TOP + PLOT_HEIGHT + BOTTOM
    bar_width: int = BAR
    baseline: int = TOP + PLOT_HEIGHT
    label_y: int = TOP + PLOT_HEIGHT + BOTTOM - 4

    @property
    def display_width(self):
        """Its width on the page, in CSS pixels (the stylesheet shrinks it to fit)."""
        return round(self.width * SCALE)

    @property
    def display_height(self):
        return round(self.height * SCALE)

    @property
    def description(self):
        """The chart as a sentence, for screen readers: "2021: 12; 2022: 30"."""
        return "; ".join(f"{column.label}: {column.text}" for column in self.columns)


def column_chart(points) -> ColumnChart:
    """A column chart of `points`, [(label, value, the value as written)], in their order."""
    largest = max((value for _, value, _ in points), default=0) or 1
    columns = []
    for index, (label, value, text) in enumerate(points):
        height = PLOT_HEIGHT * float(value) / float(largest)
        # A column of a small value still shows as a sliver; a zero shows as nothing.
        if value and height < 1:
            height = 1
        x = index * SLOT + (SLOT - BAR) / 2
        columns.append(Column(str(label), text, x, TOP + PLOT_HEIGHT - height, height))
    return ColumnChart(columns, width=max(len(points), 1) * SLOT)
