"""A class's gradebook: students × assigned quizzes, the kept grade in each cell, sortable
by name or any quiz column, and its CSV form.

Built from four queries whatever the class's size: the roster, the assignments, and the
the aggregate queries of quizzes.grades.
"""

import csv
from dataclasses import dataclass

from apps.classes.models import Assignment, Class
from apps.classes.progress import Status, status_of
from apps.core.spreadsheet import neutralise
from apps.quizzes.grades import EMPTY, Summary, summaries


@dataclass
class Cell:
    assignment: Assignment
    summary: Summary
    status: Status
    grade: float | None

    @property
    def late(self) -> bool:
        return self.status == Status.LATE


@dataclass
class Row:
    student: object
    cells: list[Cell]

    @property
    def name(self) -> str:
        return self.student.get_full_name() or self.student.username


@dataclass
class Gradebook:
    klass: Class
    assignments: list[Assignment]
    rows: list[Row]


def build(klass: Class, now) -> Gradebook:
    students = [m.student for m in klass.memberships.select_related("student")]
    assignments = list(klass.assignments.select_related("quiz").order_by("due_at", "pk"))
    found = summaries([s.pk for s in students], [a.quiz_id for a in assignments])
    rows = []
    for student in students:
        cells = []
        for assignment in assignments:
            summary = found.get((student.pk, assignment.quiz_id), EMPTY)
            cells.append(
                Cell(
                    assignment=assignment,
                    summary=summary,
                    status=status_of(assignment, summary, now),
                    grade=summary.kept_grade(assignment.quiz),
                )
            )
        rows.append(Row(student, cells))
    return Gradebook(klass, assignments, rows)


def sort_rows(book: Gradebook, key: str, descending: bool) -> str:
    """Sort the rows in place by "name" or a quiz column ("q<assignment id>"); students
    without a grade stay last either way. Returns the key actually used."""
    column = next(
        (i for i, a in enumerate(book.assignments) if key == f"q{a.pk}"),
        None,
    )
    if column is None:
        book.rows.sort(key=lambda r: (r.name.casefold(), r.student.pk), reverse=descending)
        return "name"
    graded = [r for r in book.rows if r.cells[column].grade is not None]
    missing = [r for r in book.rows if r.cells[column].grade is None]
    graded.sort(key=lambda r: (r.cells[column].grade, r.name.casefold()), reverse=descending)
    missing.sort(key=lambda r: r.name.casefold())
    book.rows[:] = graded + missing
    return key


def _grade_text(grade: float | None) -> str:
    return "" if grade is None else f"{grade:.1f}"


def write_csv(book: Gradebook, out) -> None:
    """UTF-8 with a byte-order mark (so spreadsheets pick the encoding), a header row,
    then one row per student: username, name, a grade per quiz, and the late ones."""
    out.write("\ufeff")
    writer = csv.writer(out)
    header = ["Username", "Name"] + [f"{a.quiz.title} (%)" for a in book.assignments]
    writer.writerow([neutralise(text) for text in [*header, "Submitted late"]])
    for row in book.rows:
        late = "; ".join(c.assignment.quiz.title for c in row.cells if c.late)
        texts = [neutralise(row.student.username), neutralise(row.name)]
        grades = [_grade_text(c.grade) for c in row.cells]
        writer.writerow([*texts, *grades, neutralise(late)])
