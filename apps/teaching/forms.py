"""The teaching area's forms. Each question kind has its own form showing only the fields
that kind needs; its answers (choices, accepted answers, numbers or pairs) come as rows
of a formset, checked together by the rule Moodle applies to that kind."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.forms.utils import ErrorDict

from apps.classes.models import Assignment, Class, Teacher
from apps.core.dates import when
from apps.quizzes import services as quiz_services
from apps.quizzes.gift import STANDARD_PERCENTS
from apps.quizzes.models import (
    BLANK,
    Choice,
    Misconception,
    Question,
    Quiz,
    RubricCriterion,
    RubricLevel,
    rubric_fraction,
)

Kind = Question.Kind

GIFT_LIMIT = 512 * 1024  # bytes; a quiz bank of several hundred questions fits easily
# Answer rows a question may have: far more than any question needs, and few enough that
# a tampered row count is refused before thousands of row forms are built.
MAX_ROWS = 50

ZONE = settings.TIME_ZONE  # times are typed in the site's zone
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class Unsuffixed:
    """Labels as the rest of the site writes them: no colon after."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class QuizSettingsForm(Unsuffixed, forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "title",
            "description",
            "status",
            "opens_at",
            "closes_at",
            "time_limit",
            "attempts_allowed",
            "grade_method",
            "pass_mark",
            "feedback_mode",
            "shuffle_questions",
            "shuffle_choices",
            "review_after",
            "review_score",
            "review_answers",
            "review_feedback",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
        }
        labels = {"opens_at": f"Opens ({ZONE})", "closes_at": f"Closes ({ZONE})"}
        help_texts = {
            "description": "Markdown. Shown on the quiz's first page.",
            "status": "Students see a quiz once it is published (and assigned to their class).",
        }

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The quiz must close after it opens.")
        return cleaned


# --------------------------------------------------------------------------------------
# Questions


class QuestionForm(Unsuffixed, forms.ModelForm):
    """The fields every scored question has."""

    class Meta:
        model = Question
        fields = ["title", "text", "text_format", "points", "general_feedback"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "general_feedback": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title": "Name",
            "text": "Question text",
            "general_feedback": "Explanation",
        }
        help_texts = {
            "title": "For you: students do not see it.",
            "text": "Markdown, unless you choose another text format.",
            "points": "",
        }

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points < 1:
            raise ValidationError("A question is worth at least 1 point.")
        return points

    def choices(self) -> list[Choice]:
        """The choices this form itself defines (kinds with answer rows get theirs from
        the rows' formset)."""
        return []


class EditScopeForm(Unsuffixed, forms.Form):
    """Where an edit of a question that other quizzes use too is made."""

    this_quiz_only = forms.BooleanField(
        label="Change it in this quiz only",
        required=False,
        help_text="It becomes this quiz's own question; the other quizzes keep theirs as it "
        "is now.",
    )


class DescriptionForm(QuestionForm):
    class Meta(QuestionForm.Meta):
        fields = ["title", "text", "text_format"]
        labels = {**QuestionForm.Meta.labels, "text": "Text"}


class ListedOptionsForm(QuestionForm):
    """A question whose options are listed: their order may be fixed for this one."""

    class Meta(QuestionForm.Meta):
        fields = [*QuestionForm.Meta.fields, "shuffle_choices"]


class ShortAnswerForm(QuestionForm):
    class Meta(QuestionForm.Meta):
        fields = [*QuestionForm.Meta.fields, "hint_spelling"]


class MissingWordForm(ListedOptionsForm):
    class Meta(ListedOptionsForm.Meta):
        help_texts = {
            **QuestionForm.Meta.help_texts,
            "text": f"Write {BLANK} (five underscores) where the missing word goes.",
        }

    def clean_text(self):
        text = self.cleaned_data["text"]
        if BLANK not in text:
            raise ValidationError(f"Mark the missing word's place with {BLANK} (five underscores).")
        return text


class TrueFalseForm(QuestionForm):
    correct = forms.TypedChoiceField(
        label="The statement is",
        choices=[("true", "True"), ("false", "False")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the statement is true or false."},
    )
    feedback_true = forms.CharField(
        label="Feedback for the answer “True”",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    feedback_false = forms.CharField(
        label="Feedback for the answer “False”",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["misconception"] = misconception_field(
            misconceptions(), "Misconception behind the wrong answer"
        )
        if self.instance.pk is not None:
            by_text = {c.text.lower(): c for c in self.instance.choice_list}
            if "true" in by_text and "false" in by_text:
                self.initial.setdefault(
                    "correct", "true" if by_text["true"].fraction >= 1 else "false"
                )
                self.initial.setdefault("feedback_true", by_text["true"].feedback)
                self.initial.setdefault("feedback_false", by_text["false"].feedback)
                tagged = by_text["true"].misconception_id or by_text["false"].misconception_id
                self.initial.setdefault("misconception", tagged or "")

    def choices(self) -> list[Choice]:
        correct = self.cleaned_data["correct"]
        wrong = self.cleaned_data["misconception"] or None
        return [
            Choice(
                text="true",
                fraction=1.0 if correct else 0.0,
                feedback=self.cleaned_data["feedback_true"],
                misconception_id=None if correct else wrong,
            ),
            Choice(
                text="false",
                fraction=0.0 if correct else 1.0,
                feedback=self.cleaned_data["feedback_false"],
                misconception_id=wrong if correct else None,
            ),
        ]


def _percent_label(percent: Decimal) -> str:
    if percent == 100:
        return "100% (correct)"
    if percent == 0:
        return "0% (wrong)"
    return f"{percent:f}%".replace("-", "−")


def _percent(fraction: float) -> Decimal:
    return Decimal(repr(round(fraction * 100, 5))).normalize() + 0


def _posted_percent(value) -> Decimal | None:
    try:
        percent = Decimal(value).normalize() + 0
    except (TypeError, ArithmeticError):
        return None
    return percent if percent.is_finite() and -100 <= percent <= 100 else None


def credit_field(negative: bool, current: Decimal | None = None) -> forms.TypedChoiceField:
    """Moodle's list of credits (and its negatives where a wrong pick may cost marks); a
    value imported from elsewhere stays listed so an edit never changes it silently."""
    percents = [Decimal(str(p)).normalize() + 0 for p in STANDARD_PERCENTS]
    if negative:
        percents += [-p for p in reversed(percents) if p]
    if current is not None and current not in percents:
        percents.append(current)
        percents.sort(reverse=True)
    return forms.TypedChoiceField(
        label="Credit",
        choices=[(f"{p:f}", _percent_label(p)) for p in percents],
        coerce=_fraction_of_percent,
        initial="0",
    )


def _fraction_of_percent(value) -> float:
    # A ValueError is what the field turns into "not one of the choices"; Decimal's own
    # error would escape has_changed(), which formsets call before any validation.
    try:
        return float(Decimal(value) / 100)
    except ArithmeticError as error:
        raise ValueError(value) from error


def misconception_field(misconceptions: list[tuple[str, str]], label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", "None"), *misconceptions],
        help_text="The mistaken belief this answer suggests; statistics count who chose it.",
    )


def misconceptions() -> list[tuple[str, str]]:
    """(slug, statement) of every misconception, for the editor's menus."""
    return list(Misconception.objects.values_list("slug", "statement"))


class AnswerRowForm(Unsuffixed, forms.Form):
    """One row of answers. Subclasses say which fields; a blank row is ignored. A row of
    a kind whose wrong answers can reveal a misconception (`tags_misconception`) has a
    menu to tag it with one."""

    negative_credit = False
    tags_misconception = False

    def __init__(self, *args, misconceptions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.tags_misconception:
            self.fields["misconception"] = misconception_field(misconceptions, "Misconception")
        if "fraction" in self.base_fields:
            if self.is_bound:
                current = _posted_percent(self.data.get(self.add_prefix("fraction")))
            elif self.initial.get("fraction") is not None:
                current = _percent(self.initial["fraction"])
                self.initial["fraction"] = f"{current:f}"
            else:
                current = None
            self.fields["fraction"] = credit_field(self.negative_credit, current)

    def clean(self):
        data = super().clean()
        fraction = data.get("fraction")
        if data.get("misconception") and fraction is not None and fraction >= 1:
            self.add_error(
                "misconception", "A right answer reveals no misconception: tag a wrong one."
            )
        return data

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("text") or "").strip()

    def to_choice(self) -> Choice:
        data = self.cleaned_data
        return Choice(
            text=data["text"].strip(),
            fraction=data.get("fraction", 0.0),
            feedback=data.get("feedback", ""),
        )

    @classmethod
    def initial_for(cls, choice: Choice) -> dict:
        return {"text": choice.text, "fraction": choice.fraction, "feedback": choice.feedback}


def _text_field(label: str, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=2000)


class ChoiceRowForm(AnswerRowForm):
    tags_misconception = True
    text = _text_field("Choice")
    fraction = forms.Field(required=False)
    feedback = _text_field("Feedback")


class MultipleChoiceRowForm(ChoiceRowForm):
    negative_credit = True


class ShortAnswerRowForm(AnswerRowForm):
    tags_misconception = True
    text = _text_field("Accepted answer")
    fraction = forms.Field(required=False)
    feedback = _text_field("Feedback")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = "Case does not matter; * stands for any characters."


class NumberRowForm(AnswerRowForm):
    tags_misconception = True
    value = forms.FloatField(label="Answer", required=False)
    tolerance = forms.FloatField(label="± tolerance", required=False, min_value=0)
    low = forms.FloatField(label="or from", required=False)
    high = forms.FloatField(label="to", required=False)
    fraction = forms.Field(required=False)
    feedback = _text_field("Feedback")

    def clean(self):
        data = super().clean()
        value, low, high = data.get("value"), data.get("low"), data.get("high")
        if value is not None and (low is not None or high is not None):
            raise ValidationError("Give either an answer with a tolerance or a range, not both.")
        if (low is None) != (high is None):
            raise ValidationError("A range needs both ends.")
        if low is not None and high is not None and low > high:
            self.add_error("high", "The end of the range must not be below its start.")
        return data

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return (
            all(data.get(name) is None for name in ("value", "low", "high"))
            and not (data.get("feedback") or "").strip()
        )

    def to_choice(self) -> Choice:
        data = self.cleaned_data
        has_number = data["value"] is not None or data["low"] is not None
        return Choice(
            # An answer without a number catches any other number (GIFT's "*").
            text="" if has_number else "*",
            fraction=data["fraction"],
            feedback=data["feedback"],
            value=data["value"],
            tolerance=data["tolerance"] or 0.0,
            low=data["low"],
            high=data["high"],
        )

    @classmethod
    def initial_for(cls, choice: Choice) -> dict:
        return {
            "value": choice.value,
            "tolerance": choice.tolerance or None,
            "low": choice.low,
            "high": choice.high,
            "fraction": choice.fraction,
            "feedback": choice.feedback,
        }


class PairRowForm(AnswerRowForm):
    text = _text_field("Item")
    match_text = _text_field("Matches")

    def clean(self):
        data = super().clean()
        if (data.get("text") or "").strip() and not (data.get("match_text") or "").strip():
            self.add_error("match_text", "Give the answer this item matches.")
        return data

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("text") or "").strip() and not (data.get("match_text") or "").strip()

    def to_choice(self) -> Choice:
        data = self.cleaned_data
        return Choice(
            text=data["text"].strip(), fraction=0.0, match_text=data["match_text"].strip()
        )

    @classmethod
    def initial_for(cls, choice: Choice) -> dict:
        return {"text": choice.text, "match_text": choice.match_text}


class AnswerRowFormSet(forms.BaseFormSet):
    """The rows of one question; `rule` checks the non-blank ones together."""

    rule = None
    default_error_messages = {
        "too_many_forms": f"A question can have at most {MAX_ROWS} answer rows.",
    }

    def rows(self) -> list[AnswerRowForm]:
        return [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
        ]

    def clean(self):
        if any(self.errors):
            return
        self.rule(self.rows())

    def choices(self) -> list[Choice]:
        choices = []
        for form in self.rows():
            choice = form.to_choice()
            choice.misconception_id = form.cleaned_data.get("misconception") or None
            choices.append(choice)
        return choices


def _full_credit(rows, what: str) -> None:
    if not any(row.cleaned_data["fraction"] >= 1 for row in rows):
        raise ValidationError(f"Give at least one {what} 100% credit.")


def _at_least(rows, count: int, what: str) -> None:
    if len(rows) < count:
        raise ValidationError(f"Write at least {count} {what}; blank rows are ignored.")


def single_rule(rows) -> None:
    _at_least(rows, 2, "choices")
    _full_credit(rows, "choice")


def multiple_rule(rows) -> None:
    _at_least(rows, 2, "choices")
    total = sum(row.cleaned_data["fraction"] for row in rows if row.cleaned_data["fraction"] > 0)
    if round(total, 2) != 1:
        raise ValidationError(
            f"The positive credits add up to {total * 100:g}%; they must add up to 100%."
        )


def short_rule(rows) -> None:
    _at_least(rows, 1, "accepted answer")
    _full_credit(rows, "answer")


def numerical_rule(rows) -> None:
    numbered = [r for r in rows if r.to_choice().text != "*"]
    _at_least(numbered, 1, "answer with a number")
    _full_credit(numbered, "numerical answer")


def matching_rule(rows) -> None:
    items = [row for row in rows if row.cleaned_data["text"].strip()]
    _at_least(items, 2, "pairs")


def without_errors(form, rows=None) -> None:
    """Show bound forms again as typed, without judging them yet (after "Add another
    row", an author is still writing)."""
    for each in [form, *(rows.forms if rows is not None else [])]:
        each._errors = ErrorDict()
    if rows is not None:
        rows._errors = [each._errors for each in rows.forms]
        rows._non_form_errors = rows.error_class()


@dataclass(frozen=True)
class Editor:
    """What editing one kind of question takes: its form and, for kinds with answers,
    the row form, the rule for the rows, how many rows a new question starts with."""

    form: type[QuestionForm]
    row: type[AnswerRowForm] | None = None
    rule: Callable[[list], None] | None = None
    legend: str = ""
    row_label: str = ""
    new_rows: int = 0
    help: str = ""

    def formset_class(self, extra: int):
        formset = forms.formset_factory(
            self.row,
            formset=AnswerRowFormSet,
            extra=extra,
            can_delete=True,
            max_num=MAX_ROWS,
            absolute_max=MAX_ROWS,
        )
        formset.rule = staticmethod(self.rule)
        return formset

    def rows_for(self, data=None, question: Question | None = None, add_row: bool = False):
        """The answer rows: bound to `data` (one more blank row with `add_row`), or
        filled from the question's choices with blank rows to add more."""
        if self.row is None:
            return None
        if data is not None:
            if add_row:
                data = data.copy()
                key = "rows-TOTAL_FORMS"
                # A tampered count is left for the formset's management form to reject,
                # and a full question gets no more rows (the button is hidden then).
                count = data.get(key, "")
                if count.isdecimal() and int(count) < MAX_ROWS:
                    data[key] = str(int(count) + 1)
                    # A new row earns nothing until the author says so (a bound select
                    # with no value would show, and then save, the first credit: 100%).
                    data[f"rows-{count}-fraction"] = "0"
            return self.formset_class(0)(data, prefix="rows", form_kwargs=self.form_kwargs())
        initial = [
            {**self.row.initial_for(c), "misconception": c.misconception_id or ""}
            for c in (question.choice_list if question else [])
        ]
        extra = max(self.new_rows - len(initial), 1)
        return self.formset_class(extra)(
            initial=initial, prefix="rows", form_kwargs=self.form_kwargs()
        )

    def form_kwargs(self) -> dict:
        """The misconceptions, read once for all the rows."""
        return {"misconceptions": misconceptions()} if self.row.tags_misconception else {}


EDITORS: dict[str, Editor] = {
    Kind.SINGLE: Editor(
        ListedOptionsForm,
        ChoiceRowForm,
        single_rule,
        "Choices",
        "Choice",
        4,
        "Students pick one choice.",
    ),
    Kind.MULTIPLE: Editor(
        ListedOptionsForm,
        MultipleChoiceRowForm,
        multiple_rule,
        "Choices",
        "Choice",
        4,
        "Students pick any number; the credits of the right ones add up to 100%, and a "
        "negative credit takes marks away for a wrong pick.",
    ),
    Kind.TRUEFALSE: Editor(TrueFalseForm),
    Kind.SHORT: Editor(
        ShortAnswerForm,
        ShortAnswerRowForm,
        short_rule,
        "Accepted answers",
        "Answer",
        2,
        "The first answer in this list that matches gives its credit (put the exact answer "
        "before a wildcard one); anything else scores 0.",
    ),
    Kind.NUMERICAL: Editor(
        QuestionForm,
        NumberRowForm,
        numerical_rule,
        "Accepted numbers",
        "Number",
        2,
        "An answer with a tolerance, or a range; the first row that accepts the number "
        "gives its credit. A row with feedback but no number answers every other number.",
    ),
    Kind.MATCHING: Editor(
        ListedOptionsForm,
        PairRowForm,
        matching_rule,
        "Pairs",
        "Pair",
        4,
        "Each item is matched with one answer. An answer without an item is an extra wrong option.",
    ),
    Kind.MISSINGWORD: Editor(
        MissingWordForm,
        ChoiceRowForm,
        single_rule,
        "Words to choose from",
        "Word",
        3,
        "Students pick the missing word from this list.",
    ),
    Kind.ESSAY: Editor(QuestionForm, help="You grade the answers in the grading queue."),
    Kind.DESCRIPTION: Editor(DescriptionForm, help="Text between questions; not scored."),
}


class NewQuestionForm(Unsuffixed, forms.Form):
    kind = forms.ChoiceField(label="Kind of question", choices=Kind.choices)


# --------------------------------------------------------------------------------------
# Importing GIFT or Moodle XML


class ImportForm(Unsuffixed, forms.Form):
    file = forms.FileField(label="A GIFT file or a Moodle XML file", required=False)
    text = forms.CharField(
        label="Or paste GIFT or Moodle XML",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "code"}),
    )

    def too_large(self) -> bool:
        upload = self.files.get("file")
        return (upload is not None and upload.size > GIFT_LIMIT) or len(
            self.data.get("text", "").encode()
        ) > GIFT_LIMIT

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > GIFT_LIMIT:
            raise ValidationError(
                f"The file is {upload.size // 1024} KB; the limit is {GIFT_LIMIT // 1024} KB. "
                "Split it into several imports."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "The file is not UTF-8 text. Save it as UTF-8 and try again."
            ) from exc

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text.encode()) > GIFT_LIMIT:
            raise ValidationError(
                f"The text is over the limit of {GIFT_LIMIT // 1024} KB. Split it into several "
                "imports."
            )
        return text

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("file") or cleaned.get("text", "").strip()):
            raise ValidationError("Choose a GIFT or Moodle XML file, or paste its text.")
        return cleaned

    def gift_text(self) -> str:
        return self.cleaned_data.get("file") or self.cleaned_data["text"]


class ConfirmImportForm(forms.Form):
    pending = forms.UUIDField(widget=forms.HiddenInput)


# --------------------------------------------------------------------------------------
# Classes and grading


class ClassForm(Unsuffixed, forms.ModelForm):
    class Meta:
        model = Class
        fields = ["name", "code_expires_at"]
        widgets = {"code_expires_at": DATETIME_WIDGET}
        labels = {"name": "Class name", "code_expires_at": f"Join code expires ({ZONE})"}


class ClassRenameForm(Unsuffixed, forms.ModelForm):
    class Meta:
        model = Class
        fields = ["name"]
        labels = {"name": "New name"}


class JoinCodeForm(Unsuffixed, forms.Form):
    code_expires_at = forms.DateTimeField(
        label=f"New code expires ({ZONE})",
        required=False,
        widget=DATETIME_WIDGET,
        help_text="Empty: the code works until you replace it.",
    )


class AssignmentForm(Unsuffixed, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["quiz", "opens_at", "due_at"]
        widgets = {"opens_at": DATETIME_WIDGET, "due_at": DATETIME_WIDGET}
        labels = {"opens_at": f"Opens ({ZONE})", "due_at": f"Due ({ZONE})"}

    def __init__(self, *args, quizzes=None, klass: Class | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.klass = klass
        if quizzes is not None:
            self.fields["quiz"].queryset = quizzes
        if self.instance.pk is not None:
            del self.fields["quiz"]

    def clean(self):
        cleaned = super().clean()
        opens, due = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", "The due date must come after the opening time.")
        quiz = cleaned.get("quiz")
        if quiz and self.klass and self.klass.assignments.filter(quiz=quiz).exists():
            self.add_error("quiz", "This quiz is already assigned to the class.")
        return cleaned

    def validate_unique(self):
        # The class is set by the view, not the form, so uniqueness is checked in clean().
        pass


class EssayGradeForm(Unsuffixed, forms.Form):
    score = forms.FloatField(label="Score", min_value=0)
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, points: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points
        field = self.fields["score"]
        field.max_value = points
        field.validators.append(MaxValueValidator(points))
        field.widget.attrs.update({"max": points, "step": "any", "min": 0})
        field.help_text = f"Out of {points}."

    def fraction(self) -> float:
        return self.cleaned_data["score"] / self.points if self.points else 0.0

    def grade(self, response, grader):
        """Record the typed score and the comment."""
        return quiz_services.grade_essay(
            response, grader, self.fraction(), self.cleaned_data["comment"]
        )


def _points(value) -> str:
    return f"{value.normalize():f}"


class RubricGradeForm(Unsuffixed, forms.Form):
    """Grading by rubric: a level picked per criterion (the points are computed from
    them), and an optional comment."""

    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria: list[RubricCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        comment = self.fields.pop("comment")
        for criterion in criteria:
            label = criterion.title
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=label,
                choices=[
                    (
                        level.pk,
                        f"{level.title} ({_points(level.points)} pts)"
                        + (f": {level.description}" if level.description else ""),
                    )
                    for level in criterion.level_list
                ],  # fmt: skip
                coerce=int,
                widget=forms.RadioSelect,
                help_text=criterion.description,
                error_messages={"required": f"Pick a level for “{criterion.title}”."},
            )
        self.fields["comment"] = comment

    def levels(self) -> list[RubricLevel]:
        picked = []
        for criterion in self.criteria:
            level_id = self.cleaned_data[f"c{criterion.pk}"]
            picked.append(next(lv for lv in criterion.level_list if lv.pk == level_id))
        return picked

    def fraction(self) -> float:
        return rubric_fraction(self.criteria, self.levels())

    def grade(self, response, grader):
        """Record the levels, the points they earn and the comment."""
        return quiz_services.grade_essay_with_rubric(
            response, grader, self.levels(), self.cleaned_data["comment"]
        )


# --------------------------------------------------------------------------------------
# Rubric editor: a formset of criteria, each with a formset of levels (prefix
# "levels-<criterion row>"); "Add a criterion" and "Add a level" post the form back with
# one more row, so no JavaScript is needed.

MAX_CRITERIA = 20
MAX_LEVELS = 10


class CriterionForm(Unsuffixed, forms.Form):
    title = forms.CharField(label="Criterion", max_length=200, required=False)
    description = forms.CharField(
        label="What it looks for", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("title", "").strip() and not data.get("description", "").strip()


class LevelForm(Unsuffixed, forms.Form):
    title = forms.CharField(label="Level", max_length=200, required=False)
    points = forms.DecimalField(
        label="Points", required=False, min_value=0, max_digits=6, decimal_places=2
    )
    description = forms.CharField(label="Descriptor", required=False, max_length=2000)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return (
            not data.get("title", "").strip()
            and data.get("points") is None
            and not data.get("description", "").strip()
        )

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        if not data.get("title", "").strip():
            self.add_error("title", "Name this level (for example “Good”).")
        if data.get("points") is None:
            self.add_error("points", "Give this level its points.")
        return data


def _formset(form, limit: int):
    return forms.formset_factory(
        form, extra=0, can_delete=True, max_num=limit, absolute_max=limit, validate_max=True
    )


CriterionFormSet = _formset(CriterionForm, MAX_CRITERIA)
LevelFormSet = _formset(LevelForm, MAX_LEVELS)


def _kept(formset) -> list:
    return [
        f for f in formset.forms
        if f.is_valid() and not f.cleaned_data.get("DELETE") and not f.is_blank()
    ]  # fmt: skip


class RubricEditor:
    """The criteria formset and one levels formset per criterion row, bound to a post or
    filled from the question's rubric."""

    def __init__(self, question: Question, data=None, add: str = ""):
        if data is None:
            # A question without a rubric starts with one criterion of two levels.
            criteria = list(question.criteria.prefetch_related("levels")) or [None]
            self.criteria = CriterionFormSet(
                initial=[{"title": c.title, "description": c.description} if c else {}
                         for c in criteria],
                prefix="criteria",
            )  # fmt: skip
            self.levels = [
                LevelFormSet(
                    initial=[
                        {"title": lv.title, "points": lv.points, "description": lv.description}
                        for lv in c.level_list
                    ]
                    if c
                    else [{}, {}],
                    prefix=f"levels-{i}",
                )  # fmt: skip
                for i, c in enumerate(criteria)
            ]
            return
        data = data.copy()
        count = data.get("criteria-TOTAL_FORMS", "")
        if add == "criterion" and count.isdecimal() and int(count) < MAX_CRITERIA:
            data["criteria-TOTAL_FORMS"] = str(int(count) + 1)
            data.update(_blank_levels(int(count)))
        elif add.startswith("level-") and add[6:].isdecimal():
            key = f"levels-{add[6:]}-TOTAL_FORMS"
            levels = data.get(key, "")
            if levels.isdecimal() and int(levels) < MAX_LEVELS:
                data[key] = str(int(levels) + 1)
        self.criteria = CriterionFormSet(data, prefix="criteria")
        rows = self.criteria.total_form_count()
        self.levels = [LevelFormSet(data, prefix=f"levels-{i}") for i in range(rows)]

    def without_errors(self) -> None:
        """Show the rows again as typed, unjudged: after "Add", the author is still
        writing."""
        for formset in [self.criteria, *self.levels]:
            without_errors(formset.management_form, formset)

    @property
    def has_errors(self) -> bool:
        formsets = [self.criteria, *self.levels]
        return any(fs.is_bound and (fs.total_error_count() or fs.non_form_errors())
                   for fs in formsets)  # fmt: skip

    @property
    def rows(self) -> list[tuple]:
        """(criterion form, its levels formset, its row number) for the template."""
        return list(zip(self.criteria.forms, self.levels, range(len(self.levels)), strict=True))

    def is_valid(self) -> bool:
        valid = self.criteria.is_valid() and all(f.is_valid() for f in self.levels)
        if not valid:
            return False
        for form, levels, _ in self.rows:
            if _dropped(form, levels):
                continue
            if not form.cleaned_data.get("title", "").strip():
                form.add_error("title", "Name this criterion.")
                valid = False
            if len(_kept(levels)) < 2:
                form.add_error(None, "Give this criterion at least two levels to choose from.")
                valid = False
        return valid

    def cleaned(self) -> list[tuple[RubricCriterion, list[RubricLevel]]]:
        """The criteria kept (blank and removed rows left out), each with its levels."""
        result = []
        for form, levels, _ in self.rows:
            if _dropped(form, levels):
                continue
            criterion = RubricCriterion(
                title=form.cleaned_data["title"].strip(),
                description=form.cleaned_data["description"].strip(),
            )
            kept = [
                RubricLevel(title=f.cleaned_data["title"].strip(), points=f.cleaned_data["points"],
                            description=f.cleaned_data["description"].strip())
                for f in _kept(levels)
            ]  # fmt: skip
            result.append((criterion, kept))
        return result


def _dropped(form, levels) -> bool:
    """A criterion row left out: removed, or blank with blank levels too."""
    return form.cleaned_data.get("DELETE") or (form.is_blank() and not _kept(levels))


def _blank_levels(index: int) -> dict:
    """A new criterion row starts with two blank levels."""
    prefix = f"levels-{index}"
    return {f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "0"}


# --------------------------------------------------------------------------------------
# The question bank


class BankFilterForm(forms.Form):
    q = forms.CharField(label="Text or title contains", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, *args, categories: list[str], tags: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *Question.Kind.choices]
        self.fields["category"].choices = [("", "Any category")] + [(c, c) for c in categories]
        self.fields["tag"].choices = [("", "Any tag")] + [(t, t) for t in tags]


class BankAddForm(forms.Form):
    quiz = forms.ModelChoiceField(
        label="Add to quiz",
        queryset=Quiz.objects.none(),
        error_messages={"invalid_choice": "Choose one of your own quizzes."},
    )

    def __init__(self, *args, quizzes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes


class RegradeForm(Unsuffixed, forms.Form):
    """Which corrected questions to regrade: the current versions that have an earlier
    version still answered in submitted attempts."""

    questions = forms.TypedMultipleChoiceField(
        label="Questions to regrade",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one question to regrade."},
    )

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].choices = [
            (q.pk, f"{q.position}. {q.title or q.text[:80]} (now version {q.version})")
            for q in questions
        ]
        self.fields["questions"].initial = [q.pk for q in questions]


class StudentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class OverrideForm(Unsuffixed, forms.Form):
    """Exceptions for one student or a group: each only ever gives more (attempts, time,
    later dates) than the class has. A rule the quiz does not set (unlimited attempts, no
    closing time, no time limit) has no field, since there is nothing to extend."""

    students = StudentChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one student."},
    )
    extra_attempts = forms.IntegerField(
        label="Extra attempts", required=False, min_value=1, max_value=20
    )
    due_at = forms.DateTimeField(
        label=f"Due instead ({ZONE})", required=False, widget=DATETIME_WIDGET
    )
    closes_at = forms.DateTimeField(
        label=f"Quiz closes instead ({ZONE})", required=False, widget=DATETIME_WIDGET
    )
    time_limit = forms.IntegerField(
        label="Time limit instead (minutes)", required=False, max_value=24 * 60
    )

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        quiz = assignment.quiz
        self.fields["students"].queryset = User.objects.filter(
            class_memberships__klass=assignment.klass
        ).order_by("username")
        self.fields["due_at"].help_text = f"Later than the class's: {when(assignment.due_at)}."
        if quiz.attempts_allowed:
            self.fields[
                "extra_attempts"
            ].help_text = f"On top of the {quiz.attempts_allowed} the quiz allows."
        else:
            del self.fields["extra_attempts"]
        if quiz.closes_at:
            self.fields["closes_at"].help_text = (
                f"Later than the quiz's: {when(quiz.closes_at)}. The student may start and "
                "finish attempts until then."
            )
        else:
            del self.fields["closes_at"]
        if quiz.time_limit:
            self.fields["time_limit"].validators.append(MinValueValidator(quiz.time_limit + 1))
            self.fields["time_limit"].widget.attrs["min"] = quiz.time_limit + 1
            self.fields["time_limit"].help_text = f"Longer than the quiz's {quiz.time_limit}."
        else:
            del self.fields["time_limit"]

    def clean(self):
        cleaned = super().clean()
        due, closes = cleaned.get("due_at"), cleaned.get("closes_at")
        if due and due <= self.assignment.due_at:
            self.add_error("due_at", "Give a date later than the class's due date.")
        if closes and closes <= self.assignment.quiz.closes_at:
            self.add_error("closes_at", "Give a time later than the quiz's closing time.")
        given = [cleaned.get(name) for name in self.fields if name != "students"]
        if not self.errors and not any(given):
            raise ValidationError(
                "Give at least one exception: extra attempts, a later date or more time."
            )
        return cleaned

    def exceptions(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("extra_attempts", "due_at", "closes_at", "time_limit")
        }


class MarkOverrideForm(Unsuffixed, forms.Form):
    score = forms.FloatField(label="New mark", min_value=0)
    reason = forms.CharField(
        label="Reason", max_length=500, help_text="Kept in the attempt's history."
    )

    def __init__(self, *args, points: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["score"]
        field.validators.append(MaxValueValidator(points))
        field.widget.attrs.update({"max": points, "step": "any", "min": 0})
        field.help_text = f"Out of {points}."


class AnswerCommentForm(Unsuffixed, forms.Form):
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The student reads it in their review once feedback is shown to them.",
    )


class InvitationForm(Unsuffixed, forms.Form):
    email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="Optional. When mail is set up the link is mailed there; either way you "
        "can copy it from this page.",
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class TeacherForm(Unsuffixed, forms.Form):
    """Someone to add to a class's teachers, by username or email address. An address no
    account uses is kept (self.invite_email) so the view can invite it instead."""

    person = forms.CharField(
        label="Username or email address",
        max_length=254,
        error_messages={"required": "Type the username or email address of the person to add."},
    )
    role = forms.ChoiceField(label="Role", choices=Teacher.Role.choices, initial="assistant")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = None
        self.invite_email = ""

    def clean_person(self):
        typed = self.cleaned_data["person"].strip()
        if "@" in typed:
            try:
                validate_email(typed)
            except ValidationError as exc:
                raise ValidationError(f"“{typed}” is not a valid email address.") from exc
            matches = list(User.objects.filter(email__iexact=typed, is_active=True)[:2])
            if len(matches) > 1:
                raise ValidationError(
                    f"Several accounts use {typed}: type the username of the one to add."
                )
            if matches:
                self.user = matches[0]
            else:
                self.invite_email = typed.lower()
            return typed
        self.user = User.objects.filter(username__iexact=typed, is_active=True).first()
        if self.user is None:
            raise ValidationError(
                f"No account has the username “{typed}”. Type their email address instead "
                "to invite them."
            )
        return typed


class GradingFilterForm(Unsuffixed, forms.Form):
    """Which essays the grading queue lists (a GET form: ?quiz=, ?class=, ?show=)."""

    quiz = forms.ModelChoiceField(
        label="Quiz", queryset=Quiz.objects.none(), required=False, empty_label="All quizzes"
    )
    show = forms.ChoiceField(
        label="Show",
        choices=[("", "Waiting for a grade"), ("all", "All, graded ones too")],
        required=False,
    )

    def __init__(self, *args, quizzes, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes
        # "class" is the parameter's name in links; the field is added by name.
        self.fields["class"] = forms.ModelChoiceField(
            label="Class", queryset=classes, required=False, empty_label="All classes"
        )
        self.order_fields(["quiz", "class", "show"])
