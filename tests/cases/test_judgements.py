"""After a reading is revealed, the student judges their prediction against it: kept in
the session for visitors and in a CasePrediction row for signed-in students."""

import pytest

from apps.cases.models import CasePrediction
from apps.cases.views import JUDGEMENTS, PREDICTIONS

pytestmark = pytest.mark.django_db
URL = "/cases/league-and-abyssinia/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "readings"}


def predict(client, lens="realism", text="Italy gets its way."):
    return client.post(URL + "predict/", {"lens": lens, "text": text})


def judge(client, judgement="partly", lens="realism", **headers):
    return client.post(URL + "judge/", {"lens": lens, "judgement": judgement}, **headers)


def test_a_revealed_reading_asks_for_a_judgement(client, case):
    predict(client)
    html = client.get(URL + "?lens=realism").content.decode()
    assert "How did your prediction compare with this reading?" in html
    assert 'action="/cases/league-and-abyssinia/judge/"' in html
    for value in ("matched", "partly", "missed"):
        assert f'name="judgement" value="{value}"' in html


def test_a_visitors_judgement_is_kept_in_the_session(client, case):
    predict(client)
    response = judge(client)
    assert response.status_code == 302 and response.url == URL + "?lens=realism#readings"
    assert client.session[JUDGEMENTS] == {"league-and-abyssinia": {"realism": "partly"}}
    html = client.get(URL + "?lens=realism").content.decode()
    assert "You judged: <strong>It partly matched</strong>" in html
    assert 'value="partly" checked' in html and "Change my judgement" in html


def test_a_signed_in_students_prediction_and_judgement_are_rows(client, case, alice):
    client.force_login(alice)
    predict(client)
    predict(client, text="A second thought after the reveal.")
    judge(client, "missed")
    judge(client, "matched")
    row = CasePrediction.objects.get()
    assert (row.user, row.theory.slug, row.text) == (alice, "realism", "Italy gets its way.")
    assert row.judgement == "matched" and row.judged_at is not None
    assert PREDICTIONS not in client.session and JUDGEMENTS not in client.session


def test_nothing_is_judged_before_a_prediction(client, case, alice):
    client.force_login(alice)
    response = judge(client)
    assert response.status_code == 200
    assert not CasePrediction.objects.exists()
    assert JUDGEMENTS not in client.session


def test_a_missing_judgement_is_shown_with_its_error(client, case):
    predict(client)
    html = judge(client, judgement="").content.decode()
    assert "Choose how your prediction compared with the reading." in html
    assert JUDGEMENTS not in client.session
    html = judge(client, judgement="certainly").content.decode()
    assert "Select a valid choice" in html


def test_judging_with_htmx_returns_the_readings(client, case):
    predict(client)
    response = judge(client, **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "You judged: <strong>It partly matched</strong>" in html
    assert response.headers["HX-Push-Url"] == URL + "?lens=realism#readings"


def test_another_students_predictions_stay_theirs(client, case, alice, bob):
    client.force_login(alice)
    predict(client)
    judge(client)
    client.force_login(bob)
    html = client.get(URL + "?lens=realism").content.decode()
    assert "Italy gets its way." not in html and "<strong>explains</strong>" not in html
    assert "Italy gets its way." not in client.get("/me/").content.decode()
    assert "League" not in client.get("/me/").content.decode().split("predictions-title")[1]
