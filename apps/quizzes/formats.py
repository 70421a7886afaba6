"""The question file formats in one place: which reader a file needs (told by its content,
not its name) and how a quiz is written in each export format."""

from dataclasses import dataclass

from apps.quizzes.gift import GiftResult, parse_gift, write_gift
from apps.quizzes.loading import question_to_gift
from apps.quizzes.models import Quiz
from apps.quizzes.moodlexml import looks_like_moodle_xml, parse_moodle_xml, write_moodle_xml
from apps.quizzes.qti import Assessment, write_qti_package

GIFT = "gift"
MOODLE_XML = "moodlexml"
QTI12 = "qti12"


def format_of(text: str) -> str:
    """GIFT or Moodle XML, told by the content: Moodle XML starts with <quiz>."""
    return MOODLE_XML if looks_like_moodle_xml(text) else GIFT


def parse_questions(text: str) -> GiftResult:
    """The questions of a GIFT or Moodle XML text; GiftSyntaxError (or its subclass
    MoodleXmlError) names the line of the first problem."""
    return parse_moodle_xml(text) if format_of(text) == MOODLE_XML else parse_gift(text)


@dataclass(frozen=True)
class Export:
    """A quiz written in one format: the file's bytes, its name and content type, and what
    the format could not keep (one line per question affected)."""

    data: bytes
    filename: str
    content_type: str
    report: tuple[str, ...] = ()


EXPORT_FORMATS = {
    GIFT: "GIFT",
    MOODLE_XML: "Moodle XML",
    QTI12: "QTI 1.2 for Canvas",
}


def export_quiz(quiz: Quiz, fmt: str) -> Export:
    """The quiz's current questions in `fmt` (a key of EXPORT_FORMATS); ValueError names
    the question a format cannot express."""
    questions = [question_to_gift(q) for q in quiz.questions.current().prefetch_related("choices")]
    if fmt == GIFT:
        text = write_gift(questions)
        return Export(text.encode(), f"{quiz.slug}.gift", "text/plain; charset=utf-8")
    if fmt == MOODLE_XML:
        text = write_moodle_xml(questions)
        return Export(text.encode(), f"{quiz.slug}.xml", "application/xml; charset=utf-8")
    if fmt == QTI12:
        assessment = Assessment(
            ident=f"regimes-{quiz.slug}",
            title=quiz.title,
            questions=questions,
            description=quiz.description_html,
            shuffle_answers=quiz.shuffle_choices,
            attempts_allowed=quiz.attempts_allowed,
            time_limit=quiz.time_limit,
            grade_method=quiz.grade_method,
        )
        package = write_qti_package([assessment])
        return Export(
            package.data, f"{quiz.slug}-qti.zip", "application/zip", tuple(package.report)
        )
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
