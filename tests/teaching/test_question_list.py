"""The editor's list of questions shows each question's text as students read it, not its
Markdown source."""

import pytest
from django.urls import reverse

from tests.teaching.conftest import client_for, quiz_from_gift

pytestmark = pytest.mark.django_db


def test_the_question_list_shows_rendered_text_not_markdown(ingrid):
    gift = "::q:: [markdown]Is **realism** the view of *self-help* & <b>anarchy</b>? {=Yes ~No}"
    quiz = quiz_from_gift(gift, slug="md", owner=ingrid)
    page = client_for(ingrid).get(reverse("teach:quiz_edit", args=[quiz.pk])).content.decode()
    excerpt = page.split('<span class="question-excerpt">', 1)[1].split("</span>", 1)[0]
    assert excerpt == "Is realism the view of self-help &amp; anarchy?"
    assert "**" not in page.split('id="question-list"', 1)[1].split("</ol>", 1)[0]
