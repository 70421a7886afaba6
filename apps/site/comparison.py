"""The side-by-side comparison of the three views, and how each reads the cases.

The student's choice (views, dimensions, an expanded cell, a theory to read across the
cases) lives entirely in the query string, so every state has a shareable URL.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import mark_safe

from apps.cases.models import Case, CaseReading
from apps.lessons.models import ComparisonCell, ComparisonDimension, Theory

CASE_PREFIX = "case-"


@dataclass
class Cell:
    dimension: str
    theory: Theory
    summary: str
    detail_html: str
    expanded: bool = False
    expand_url: str = ""
    collapse_url: str = ""

    @property
    def dom_id(self) -> str:
        return f"cell-{self.dimension}-{self.theory.slug}"

    def link_to(self, choice: "ComparisonChoice") -> "Cell":
        """Fill the no-JavaScript links that open and close this cell, keeping the choice."""
        self.expanded = choice.is_expanded(self.dimension, self.theory.slug)
        anchor = f"#{self.dom_id}"
        self.expand_url = choice.url(expand=f"{self.dimension}:{self.theory.slug}") + anchor
        self.collapse_url = choice.url(expand="") + anchor
        return self


@dataclass
class Row:
    slug: str
    title: str
    cells: list[Cell]


def _pairs(data: dict) -> list[tuple[str, str]]:
    """Query parameters: a list chosen empty is kept as one empty value, None and "" go."""
    pairs = []
    for name, value in data.items():
        if isinstance(value, list):
            pairs += [(name, item) for item in value or [""]]
        elif value:
            pairs.append((name, value))
    return pairs


@dataclass
class ComparisonChoice:
    """What the URL asks for. `views` and `dims` are None when the URL does not name them
    (show all); the form always sends them, with an empty value first, so unticking every
    box is a choice of none rather than a return to all."""

    views: list[str] | None = None
    dims: list[str] | None = None
    expand: str = ""
    across: str = ""

    @classmethod
    def from_query(cls, query) -> "ComparisonChoice":
        def chosen(name: str, limit: int) -> list[str] | None:
            if name not in query:
                return None
            return [value for value in query.getlist(name) if value][:limit]

        return cls(
            views=chosen("views", 3),
            dims=chosen("dims", 20),
            expand=query.get("expand", "")[:120],
            across=query.get("across", "")[:60],
        )

    def query(self, **changes) -> str:
        data = {
            "views": self.views,
            "dims": self.dims,
            "expand": self.expand,
            "across": self.across,
        } | changes
        return urlencode(_pairs(data))

    @property
    def table_params(self) -> list[tuple[str, str]]:
        """The views and questions chosen, for a form that must carry them along."""
        return _pairs({"views": self.views, "dims": self.dims})

    def url(self, **changes) -> str:
        query = self.query(**changes)
        return reverse("site:compare") + (f"?{query}" if query else "")

    def is_expanded(self, dimension: str, theory: str) -> bool:
        return self.expand == f"{dimension}:{theory}"


@dataclass
class Comparison:
    theories: list[Theory]
    columns: list[Theory]
    dimensions: list[tuple[str, str]]
    rows: list[Row]
    cases: list
    across: Theory | None
    across_readings: list

    @property
    def row_slugs(self) -> list[str]:
        return [row.slug for row in self.rows]


def _case_rows(readings, columns) -> list[Row]:
    rows: dict[str, Row] = {}
    for reading in readings:
        slug = CASE_PREFIX + reading.case.slug
        row = rows.setdefault(slug, Row(slug, f"How it reads: {reading.case.title}", []))
        if reading.theory in columns:
            misses = f"<p><strong>What it misses.</strong></p>{reading.misses_html}"
            # Both parts were sanitized when the reading was saved.
            detail = mark_safe(reading.explains_html + misses)  # noqa: S308
            row.cells.append(Cell(slug, reading.theory, reading.verdict, detail))
    return list(rows.values())


def build_comparison(user, choice: ComparisonChoice) -> Comparison:
    theories = list(Theory.objects.visible_to(user))
    columns = theories if choice.views is None else [t for t in theories if t.slug in choice.views]
    dimensions = list(ComparisonDimension.objects.visible_to(user))
    cells = ComparisonCell.objects.filter(dimension__in=dimensions).select_related("theory")
    rows = {d.pk: Row(d.slug, d.title, []) for d in dimensions}
    for cell in cells:
        if cell.theory in columns:
            row = rows[cell.dimension_id]
            row.cells.append(Cell(row.slug, cell.theory, cell.summary, cell.detail_html))
    rows = list(rows.values())
    readings = list(
        CaseReading.objects.filter(case__in=Case.objects.visible_to(user), theory__in=theories)
        .select_related("case", "theory")
        .order_by("case__order", "theory__order")
    )
    rows += _case_rows(readings, columns)
    all_dimensions = [(row.slug, row.title) for row in rows]
    if choice.dims is not None:
        rows = [row for row in rows if row.slug in choice.dims]
    for row in rows:
        for cell in row.cells:
            cell.link_to(choice)
    across = next((t for t in theories if t.slug == choice.across), None)
    return Comparison(
        theories=theories,
        columns=columns,
        dimensions=all_dimensions,
        rows=rows,
        cases=sorted({r.case for r in readings}, key=lambda c: c.order),
        across=across,
        across_readings=[r for r in readings if r.theory == across],
    )


def find_cell(user, dimension: str, theory: str) -> Cell | None:
    """One cell of the comparison (a dimension's, or a case reading's) or None."""
    choice = ComparisonChoice(views=[theory], dims=[dimension])
    table = build_comparison(user, choice)
    for row in table.rows:
        if row.slug == dimension:
            return next((c for c in row.cells if c.theory.slug == theory), None)
    return None
