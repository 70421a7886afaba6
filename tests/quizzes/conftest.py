"""Quiz builders for the tests: a quiz from GIFT text, and one question of every kind."""

import re
from dataclasses import dataclass
from html import unescape

import pytest
from django.db import transaction
from django.test import Client

from apps.quizzes.gift import parse_gift
from apps.quizzes.loading import sync_questions
from apps.quizzes.models import Quiz
from apps.quizzes.presentation import names_for_attempt
from tests.conftest import PASSWORD

EVERY_KIND = """\
::single:: Which view says that states must, in the end, rely on themselves? {
=Realism#Yes: self-help under anarchy.
~Collective security#No: it promises help from all.
~Security regimes#No: regimes add shared rules.
####See [the two views](/lessons/two-views-of-security/#self-help).
}

::multiple:: Which are features of a security regime? {
~%50%Shared norms#Yes, norms.
~%50%Reciprocity#Yes, reciprocity.
~%-100%A world government#No: regimes work without one.
}

::truefalse:: The League of Nations was built on collective security.{TRUE#Look again.#Right.}

::short:: Whose chapter asks whether security regimes are possible? {
=Lipson#Right.
=%50%Charles#Half: his family name, please.
}

::numerical:: In what year did the Crimean War begin? {#1853:0}

::matching:: Match each view with its core idea. {
=Realism -> Self-help
=Collective security -> All against any aggressor
=Security regimes -> Shared rules and expectations
}

::missingword:: The Concert of Europe began in {~1848 =1815#Yes, after Napoleon. ~1919} at Vienna.

::essay:: Explain in a paragraph why a regime is not an international organization. {}
"""


@transaction.atomic  # one commit, so one search index rebuild (not one per save)
def quiz_from_gift(text: str = EVERY_KIND, slug: str = "every-kind", **settings) -> Quiz:
    settings.setdefault("status", "published")
    settings.setdefault("shuffle_choices", False)
    quiz = Quiz.objects.create(slug=slug, title=slug.replace("-", " ").title(), **settings)
    sync_questions(quiz, parse_gift(text).questions)
    return quiz


def questions_by_title(quiz: Quiz) -> dict:
    return {q.title: q for q in quiz.questions.current().prefetch_related("choices")}


def choice_id(question, text: str) -> int:
    return next(c.pk for c in question.choice_list if c.text == text)


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def quiz(db):
    return quiz_from_gift()


def option(attempt, question, text: str) -> str:
    """The opaque name the attempt's page gives the option reading `text`."""
    return names_for_attempt(attempt).name(choice_id(question, text))


def match_field(attempt, choice) -> str:
    """The form field of a matching row in the attempt's page."""
    return f"match-{names_for_attempt(attempt).name(choice.pk)}"


FORM = re.compile(r'<form id="answer-form".*?</form>', re.S)
RADIO = re.compile(
    r'<input type="(?:radio|checkbox)" name="answer" id="([^"]+)" value="([^"]+)"[^>]*>\s*'
    r'<label for="\1">(.*?)</label>',
    re.S,
)
OPTION = re.compile(r'<option value="([^"]+)"[^>]*>(.*?)</option>', re.S)


@dataclass
class Shown:
    """One listed option as the page shows it, in the page's order."""

    value: str
    label: str


def shown_options(html: str) -> list[Shown]:
    form = FORM.search(html).group(0)
    found = [Shown(value, visible_text(label)) for _, value, label in RADIO.findall(form)]
    return found or [Shown(value, visible_text(label)) for value, label in OPTION.findall(form)]


def visible_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())
