"""A class's gradebook: students × assigned quizzes, the kept grade in each cell as points
and a percentage, each student's total, the class average of every column, sortable by
name or any quiz column, and its CSV form; the same for one assignment alone.

Built from six queries whatever the class's size: the roster, the assignments, the
quizzes' points, the aggregate queries of quizzes.grades and the students' exceptions.

Totals and averages leave out empty grades, as Moodle's gradebook does by default: a
student's total counts the quizzes they submitted (overdue work shows in its own cell),
and a column's average counts the students with a grade in it. A grade is provisional
while an essay in the attempts behind it waits for a person (it counts 0 until then).
"""

import csv
import statistics
from dataclasses import dataclass, field

from apps.classes.models import Assignment, Class, Override
from apps.classes.progress import Status, status_of
from apps.core.spreadsheet import neutralise
from apps.quizzes.grades import EMPTY, Summary, quiz_points, summaries


def points_of(percent: float, out_of: int) -> float:
    """A percentage of `out_of` points, in points."""
    return percent * out_of / 100


@dataclass(frozen=True)
class Average:
    """The mean of the grades in a column (or of the totals), over those who have one."""

    percent: float | None
    points: float | None
    count: int

    @classmethod
    def of(cls, grades: list[tuple[float, float]]) -> "Average":
        """From (percent, points) pairs."""
        if not grades:
            return cls(None, None, 0)
        return cls(
            statistics.fmean(p for p, _ in grades),
            statistics.fmean(x for _, x in grades),
            len(grades),
        )


@dataclass
class Column:
    assignment: Assignment
    out_of: int
    average: Average = field(default_factory=lambda: Average(None, None, 0))

    @property
    def title(self) -> str:
        return self.assignment.quiz.title


@dataclass
class Cell:
    assignment: Assignment
    summary: Summary
    status: Status
    grade: float | None
    out_of: int
    override: Override | None = None

    @property
    def late(self) -> bool:
        return self.status == Status.LATE

    @property
    def points(self) -> float | None:
        return None if self.grade is None else points_of(self.grade, self.out_of)

    @property
    def provisional(self) -> bool:
        """An essay behind this grade still waits for a person."""
        return self.grade is not None and self.summary.awaiting_grading > 0


@dataclass
class Row:
    student: object
    cells: list[Cell]

    @property
    def name(self) -> str:
        """First and last name, or the username for a student who has set no name."""
        return self.student.get_full_name() or self.student.username

    @property
    def sort_key(self) -> tuple:
        """Last name, then first name; a student without a name sorts by username."""
        s = self.student
        last = s.last_name.strip() or s.first_name.strip() or s.username
        return (last.casefold(), s.first_name.strip().casefold(), s.username.casefold(), s.pk)

    @property
    def graded(self) -> list[Cell]:
        return [c for c in self.cells if c.grade is not None]

    @property
    def total_points(self) -> float | None:
        graded = self.graded
        return sum(c.points for c in graded) if graded else None

    @property
    def total_possible(self) -> int:
        return sum(c.out_of for c in self.graded)

    @property
    def total_percent(self) -> float | None:
        """Points earned over points possible, over the quizzes submitted."""
        graded = self.graded
        if not graded:
            return None
        possible = self.total_possible
        if not possible:
            return statistics.fmean(c.grade for c in graded)
        return 100 * self.total_points / possible

    @property
    def provisional(self) -> bool:
        return any(c.provisional for c in self.cells)

    @property
    def exceptions(self) -> list[Override]:
        """The exceptions (overrides) this student has, one per quiz at most."""
        return [cell.override for cell in self.cells if cell.override is not None]


@dataclass
class Gradebook:
    klass: Class
    columns: list[Column]
    rows: list[Row]
    total_average: Average = field(default_factory=lambda: Average(None, None, 0))

    @property
    def assignments(self) -> list[Assignment]:
        return [c.assignment for c in self.columns]

    @property
    def provisional(self) -> bool:
        return any(r.provisional for r in self.rows)


def build(klass: Class, now, assignment: Assignment | None = None) -> Gradebook:
    """The class's gradebook, or one assignment's column of it."""
    students = [m.student for m in klass.memberships.select_related("student")]
    if assignment is None:
        assignments = list(klass.assignments.select_related("quiz").order_by("due_at", "pk"))
    else:
        assignments = [assignment]
    out_of = quiz_points([a.quiz_id for a in assignments])
    columns = [Column(a, out_of[a.quiz_id]) for a in assignments]
    found = summaries([s.pk for s in students], [a.quiz_id for a in assignments])
    overrides = {
        (o.student_id, o.assignment_id): o
        for o in Override.objects.filter(assignment__in=assignments)
    }
    rows = []
    for student in students:
        cells = []
        for column in columns:
            a = column.assignment
            summary = found.get((student.pk, a.quiz_id), EMPTY)
            override = overrides.get((student.pk, a.pk))
            cells.append(
                Cell(
                    assignment=a,
                    summary=summary,
                    status=status_of(a, summary, now, override),
                    grade=summary.kept_grade(a.quiz),
                    out_of=column.out_of,
                    override=override,
                )
            )
        rows.append(Row(student, cells))
    for index, column in enumerate(columns):
        graded = [r.cells[index] for r in rows if r.cells[index].grade is not None]
        column.average = Average.of([(c.grade, c.points) for c in graded])
    totals = [(r.total_percent, r.total_points) for r in rows if r.total_percent is not None]
    return Gradebook(klass, columns, rows, Average.of(totals))


def sort_rows(book: Gradebook, key: str, descending: bool) -> str:
    """Sort the rows in place by "name", "total" or a quiz column ("q<assignment id>");
    students without a grade stay last either way. Returns the key actually used."""
    column = next(
        (i for i, a in enumerate(book.assignments) if key == f"q{a.pk}"),
        None,
    )
    if column is None and key != "total":
        book.rows.sort(key=lambda r: r.sort_key, reverse=descending)
        return "name"

    def grade(row: Row) -> float | None:
        return row.total_percent if column is None else row.cells[column].grade

    graded = [r for r in book.rows if grade(r) is not None]
    missing = [r for r in book.rows if grade(r) is None]
    graded.sort(key=lambda r: (grade(r), r.sort_key), reverse=descending)
    missing.sort(key=lambda r: r.sort_key)
    book.rows[:] = graded + missing
    return key


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _names(student) -> list[str]:
    return [neutralise(student.username), neutralise(student.first_name),
            neutralise(student.last_name)]  # fmt: skip


def _titles(cells) -> str:
    return neutralise("; ".join(c.assignment.quiz.title for c in cells))


def write_csv(book: Gradebook, out) -> None:
    """The class gradebook: UTF-8 with a byte-order mark (so spreadsheets pick the
    encoding), a header row, one row per student (username, first and last name, points
    and percentage per quiz, the total, the late and the provisional quizzes), then the
    class averages."""
    out.write("\ufeff")
    writer = csv.writer(out)
    header = ["Username", "First name", "Last name"]
    for column in book.columns:
        header += [f"{column.title} (points of {column.out_of})", f"{column.title} (%)"]
    header += ["Total points", "Total possible", "Total (%)", "Submitted late",
               "Provisional: essays to grade"]  # fmt: skip
    writer.writerow([neutralise(text) for text in header])
    for row in book.rows:
        grades = []
        for cell in row.cells:
            grades += [_number(cell.points), _number(cell.grade)]
        total = [_number(row.total_points), str(row.total_possible) if row.graded else "",
                 _number(row.total_percent)]  # fmt: skip
        late = _titles(c for c in row.cells if c.late)
        provisional = _titles(c for c in row.cells if c.provisional)
        writer.writerow([*_names(row.student), *grades, *total, late, provisional])
    averages = []
    for column in book.columns:
        averages += [_number(column.average.points), _number(column.average.percent)]
    total = book.total_average
    writer.writerow(["Class average", "", "", *averages, _number(total.points), "",
                     _number(total.percent), "", ""])  # fmt: skip


def write_assignment_csv(book: Gradebook, out) -> None:
    """One assignment: a row per student with where they stand, attempts, points,
    percentage, first submission and the late and provisional flags, then the class
    average."""
    (column,) = book.columns
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["Username", "First name", "Last name", "Status", "Attempts submitted",
                     f"Points (of {column.out_of})", "Grade (%)", "First submitted",
                     "Late", "Provisional: essays to grade"])  # fmt: skip
    for row in book.rows:
        (cell,) = row.cells
        first = cell.summary.first_submitted_at
        writer.writerow([
            *_names(row.student), cell.status.label, str(cell.summary.submitted),
            _number(cell.points), _number(cell.grade), first.isoformat() if first else "",
            "yes" if cell.late else "", str(cell.summary.awaiting_grading) if cell.provisional
            else "",
        ])  # fmt: skip
    writer.writerow(["Class average", "", "", "", "", _number(column.average.points),
                     _number(column.average.percent), "", "", ""])  # fmt: skip
