"""The live classroom game: services (pairing, moves, resolution once, lazy timers) and a
whole session played by 30 bot students through HTTP."""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.core.roles import Role
from apps.lab import live, services
from apps.lab.models import LiveMove, LiveRound, LiveSeat, LiveSession
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def student(name: str) -> User:
    """A student without a password (force_login needs none; hashing thirty is slow)."""
    return User.objects.create_user(name)


@pytest.fixture
def ingrid():
    return make_user("ingrid", Role.INSTRUCTOR)


def session_with(ingrid, count: int, **levers) -> tuple[LiveSession, list[LiveSeat]]:
    session = services.create_session(ingrid)
    LiveSession.objects.filter(pk=session.pk).update(**{"continuation": 1, **levers})
    session.refresh_from_db()
    seats = [services.join(session, student(f"student{i}"))[0] for i in range(count)]
    return session, seats


def test_joining_twice_keeps_one_seat(ingrid):
    session, (seat,) = session_with(ingrid, 1)
    again, created = services.join(session, seat.student)
    assert again == seat and not created
    assert session.seats.count() == 1


def test_partners_are_fixed_in_pairs_and_an_odd_one_out_gets_a_named_strategy(ingrid):
    session, seats = session_with(ingrid, 3)
    services.start_block(session)
    for seat in seats:
        seat.refresh_from_db()
    assert seats[0].partner == seats[1] and seats[1].partner == seats[0]
    assert seats[2].partner.bot == services.STAND_IN


def test_a_move_sent_twice_counts_once(ingrid):
    session, seats = session_with(ingrid, 4)
    services.start_block(session)
    assert services.choose(seats[0], 1, "C") == "Your move is in."
    assert "counts once" in services.choose(seats[0], 1, "D")
    assert LiveMove.objects.get(seat=seats[0]).intended == "C"


def test_the_round_resolves_when_the_last_move_arrives_and_the_next_opens(ingrid):
    session, seats = session_with(ingrid, 2)
    services.start_block(session)
    services.choose(seats[0], 1, "C")
    assert not LiveRound.objects.get(number=1).resolved
    services.choose(seats[1], 1, "D")
    first = LiveRound.objects.get(number=1)
    assert first.resolved and LiveRound.objects.filter(number=2).exists()
    points = dict(LiveMove.objects.filter(round=first).values_list("seat_id", "points"))
    assert points == {seats[0].pk: 0, seats[1].pk: 5}


def test_a_round_resolves_exactly_once(ingrid):
    session, seats = session_with(ingrid, 2)
    round_ = services.start_block(session)
    later = timezone.now() + timedelta(minutes=5)
    assert services.resolve_round(round_, later) is True
    assert services.resolve_round(round_, later) is False
    assert LiveMove.objects.filter(round=round_).count() == 2


def test_a_move_after_the_deadline_is_refused_and_a_stand_in_plays_the_seat(ingrid):
    session, seats = session_with(ingrid, 2)
    services.start_block(session)
    late = timezone.now() + timedelta(seconds=session.round_seconds + 1)
    with pytest.raises(services.LiveError, match="Round 1 has closed"):
        services.choose(seats[0], 1, "D", now=late)
    moves = LiveMove.objects.filter(round__number=1)
    assert {m.by_strategy for m in moves} == {services.STAND_IN}
    assert all(m.intended == "C" for m in moves)  # tit for tat opens by cooperating


def test_when_the_continuation_draw_fails_the_block_ends(ingrid):
    session, seats = session_with(ingrid, 2, continuation=0)
    services.start_block(session)
    services.choose(seats[0], 1, "C")
    services.choose(seats[1], 1, "C")
    session.refresh_from_db()
    assert session.stage == LiveSession.Stage.PAUSED
    assert LiveRound.objects.get(number=1).last_of_block
    assert services.start_block(session).block == 2


def test_a_student_never_sees_the_partners_move_before_the_round_resolves(ingrid):
    session, seats = session_with(ingrid, 2)
    services.start_block(session)
    services.choose(seats[1], 1, "D")
    assert live.student_history(seats[0]) == []
    services.choose(seats[0], 1, "C")
    (row,) = live.student_history(seats[0])
    assert row.theirs == "Defected" and row.points == "0"


def test_sealed_points_wait_for_the_end_of_the_block(ingrid):
    session, seats = session_with(ingrid, 2, monitoring=0.75)
    services.start_block(session)
    services.choose(seats[0], 1, "C")
    services.choose(seats[1], 1, "C")
    (row,) = live.student_history(seats[0])
    assert row.points == "Sealed" and row.theirs.startswith("Reported: ")
    services.end_session(session)
    session.refresh_from_db()
    assert live.student_history(seats[0])[-1].points != "Sealed"


# -- Through HTTP -----------------------------------------------------------------------


def html_of(response) -> str:
    return unescape(response.content.decode())


def round_in(html: str) -> int | None:
    found = re.search(r'name="round" value="(\d+)"', html)
    return int(found[1]) if found else None


def test_only_the_sessions_instructor_controls_it(ingrid, client):
    session = services.create_session(ingrid)
    ivan = make_user("ivan", Role.INSTRUCTOR)
    alice = student("alice")
    for user in (ivan, alice):
        client.force_login(user)
        assert client.get(f"/lab/live/{session.code}/run/").status_code == 404
        assert client.post(f"/lab/live/{session.code}/start/").status_code == 404
        assert client.post(f"/lab/live/{session.code}/end/").status_code == 404
        assert client.get(f"/lab/live/{session.code}/results.csv").status_code == 404
    assert LiveSession.objects.get(pk=session.pk).stage == LiveSession.Stage.LOBBY
    client.force_login(alice)
    assert client.get("/lab/live/new/").status_code == 404


def test_a_student_cannot_move_in_a_session_they_have_not_joined(ingrid, client):
    session, _ = session_with(ingrid, 2)
    services.start_block(session)
    client.force_login(student("mallory"))
    assert (
        client.post(f"/lab/live/{session.code}/move/", {"round": 1, "move": "D"}).status_code == 404
    )


def test_a_wrong_code_is_named_on_the_join_form(client):
    client.force_login(student("alice"))
    response = client.post("/lab/live/", {"code": "nope"})
    assert "No live session has that code" in html_of(response)


def test_the_levers_form_names_a_bad_field(ingrid, client):
    session = services.create_session(ingrid)
    client.force_login(ingrid)
    data = {
        "condition": "x",
        "T": 2,
        "R": 3,
        "P": 1,
        "S": 0,
        "continuation": 1.5,
        "noise": 0,
        "monitoring": 1,
        "sanction": 0,
        "detection": 0.5,
        "round_seconds": 30,
    }
    response = client.post(f"/lab/live/{session.code}/levers/", data)
    html = html_of(response)
    assert response.status_code == 400
    assert "Chance of another round, w (0 to 1) must be from 0 to 1" in html
    assert "The temptation T (2) must be greater than the reward R (3)" in html


def test_the_projector_shows_the_code_and_a_server_made_qr_code(ingrid, client):
    session = services.create_session(ingrid)
    client.force_login(ingrid)
    html = html_of(client.get(f"/lab/live/{session.code}/run/"))
    assert session.code in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "live-qr-code" in html
    assert 'hx-trigger="every 2s"' in html


def test_a_bot_classroom_plays_a_whole_session_through_http(ingrid):
    """Thirty students on their own clients play three rounds, change of rules, two more;
    every move counts once, the debrief and the CSV account for all of them."""
    teacher = Client()
    teacher.force_login(ingrid)
    response = teacher.post("/lab/live/new/", {"klass": ""})
    code = response.url.split("/")[3]
    session = LiveSession.objects.get(code=code)
    rules = {
        "condition": "Baseline",
        "T": 5,
        "R": 3,
        "P": 1,
        "S": 0,
        "continuation": 1,
        "noise": 0,
        "monitoring": 1,
        "sanction": 0,
        "detection": 0.5,
        "round_seconds": 60,
    }
    assert teacher.post(f"/lab/live/{code}/levers/", rules).status_code == 302

    students = []
    for i in range(30):
        client = Client()
        client.force_login(student(f"s{i:02}"))
        assert client.post("/lab/live/", {"code": code.lower()}).status_code == 302
        assert client.post("/lab/live/", {"code": code}).status_code == 302  # twice: one seat
        students.append(client)
    assert LiveSeat.objects.filter(session=session, bot="").count() == 30

    teacher.post(f"/lab/live/{code}/start/")
    for number in range(1, 6):
        if number == 4:
            teacher.post(
                f"/lab/live/{code}/levers/", {**rules, "condition": "Fines", "sanction": 3}
            )
        for i, client in enumerate(students):
            page = html_of(client.get(f"/lab/live/{code}/", HTTP_HX_REQUEST="true"))
            assert round_in(page) == number
            move = "D" if (i + number) % 3 == 0 else "C"
            client.post(f"/lab/live/{code}/move/", {"round": number, "move": move})
            client.post(f"/lab/live/{code}/move/", {"round": number, "move": "D"})  # double
        assert LiveRound.objects.get(session=session, number=number).resolved
    teacher.post(f"/lab/live/{code}/end/")

    moves = LiveMove.objects.filter(round__session=session)
    assert moves.filter(seat__bot="").count() == 30 * 5
    assert not moves.exclude(by_strategy="").exists()
    assert moves.filter(seat__bot="", intended="D").count() == sum(
        (i + n) % 3 == 0 for i in range(30) for n in range(1, 6)
    )
    assert set(LiveRound.objects.filter(session=session).values_list("condition", flat=True)) == {
        "Baseline",
        "Fines",
    }
    final = html_of(teacher.get(f"/lab/live/{code}/run/"))
    assert "Debrief" in final and "Decentralised sanctions" in final
    assert "Fines" in final and "Baseline" in final
    history = html_of(students[0].get(f"/lab/live/{code}/"))
    assert history.count('<th scope="row">') == 5
    rows = list(
        csv.reader(
            io.StringIO(teacher.get(f"/lab/live/{code}/results.csv").content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 1 + 30 * 5


def test_csv_cells_cannot_run_as_formulas(ingrid):
    session, seats = session_with(ingrid, 2)
    LiveSession.objects.filter(pk=session.pk).update(condition="=HYPERLINK(1)")
    session.refresh_from_db()
    services.start_block(session)
    services.choose(seats[0], 1, "C")
    services.choose(seats[1], 1, "C")
    out = io.StringIO()
    live.write_csv(session, out)
    assert "'=HYPERLINK(1)" in out.getvalue()


def test_a_poll_that_finds_nothing_new_gets_no_content_and_a_change_gets_the_partial(ingrid):
    session, seats = session_with(ingrid, 2)
    services.start_block(session)
    client = Client()
    client.force_login(seats[0].student)
    url = f"/lab/live/{session.code}/"
    first = html_of(client.get(url, HTTP_HX_REQUEST="true"))
    state = re.search(r'"seen": "([^"]+)"', first)[1]
    assert client.get(url, {"seen": state}, HTTP_HX_REQUEST="true").status_code == 204
    services.choose(seats[0], 1, "C")
    changed = client.get(url, {"seen": state}, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200 and "You chose to cooperate" in html_of(changed)
    # The partner's move is nowhere on the page before the round resolves.
    assert "Defected" not in html_of(changed)
