"""What the lab keeps: solo games of signed-in students and live classroom sessions.

A live session's state lives here alone, so any app server can serve any request: a
round resolves exactly once, under a row lock on the round (see services.resolve_round).
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.classes.models import CODE_ALPHABET, Class
from apps.core.publishing import RendersMarkdown
from apps.core.roles import Action, may

LIVE_CODE_LENGTH = 6


def new_live_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(LIVE_CODE_LENGTH))


def new_seed() -> int:
    return secrets.randbits(48)


class LabScenario(RendersMarkdown):
    """A guided scenario's words, from content/lab/<slug>.md. Its setup, lever and the
    judge of its outcome stay in scenarios.py, keyed by the same slug."""

    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    scene = models.TextField()
    question = models.TextField()
    choices = models.JSONField()  # [[value, label], ...] in the scenario's order
    lever_label = models.CharField(max_length=200)
    lever_help = models.TextField()
    try_next = models.TextField()
    baseline_label = models.CharField(max_length=100, blank=True)
    body = models.TextField(help_text="What the scenario shows, and where to read more.")
    body_html = models.TextField(editable=False, default="")

    markdown_fields = ("body",)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self):
        return self.title


class SoloGame(models.Model):
    """A signed-in student's current game of one level (see play.Game for the state)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="solo_games"
    )
    level = models.SlugField(max_length=60)
    state = models.JSONField()
    finished = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "level"], name="one_solo_game_per_level")
        ]

    def __str__(self):
        return f"{self.student} · {self.level}"


class LiveSessionQuerySet(models.QuerySet):
    def run_by(self, user):
        """The sessions `user` controls: their own, and only if they may teach."""
        if not may(user, Action.TEACH):
            return self.none()
        return self.filter(instructor=user)


class LiveSession(models.Model):
    """A live game in a classroom. The lever fields hold the rules the next round opens
    with; each round keeps a copy of the rules it was played under."""

    class Stage(models.TextChoices):
        LOBBY = "lobby", "Waiting for students"
        PLAYING = "playing", "Playing"
        PAUSED = "paused", "Between blocks"
        ENDED = "ended", "Ended"

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_sessions"
    )
    klass = models.ForeignKey(
        Class, on_delete=models.SET_NULL, null=True, blank=True, related_name="live_sessions"
    )
    code = models.CharField(max_length=LIVE_CODE_LENGTH, unique=True, default=new_live_code)
    seed = models.BigIntegerField(default=new_seed)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.LOBBY)
    created = models.DateTimeField(auto_now_add=True)
    round_seconds = models.PositiveSmallIntegerField(default=30)
    condition = models.CharField(max_length=60, default="Baseline")
    T = models.FloatField(default=5)
    R = models.FloatField(default=3)
    P = models.FloatField(default=1)
    S = models.FloatField(default=0)
    noise = models.FloatField(default=0)
    monitoring = models.FloatField(default=1)
    sanction = models.FloatField(default=0)
    detection = models.FloatField(default=0.5)
    continuation = models.FloatField(default=0.9)
    messages = models.BooleanField(default=False)

    objects = LiveSessionQuerySet.as_manager()

    def __str__(self):
        return f"Live session {self.code}"

    def get_absolute_url(self):
        return reverse("lab:live", args=[self.code])


class LiveSeat(models.Model):
    """A place in a session: a student's, or an engine strategy's (a bot) when the class
    has an odd number. Partners are fixed once the first round opens."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="seats")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="live_seats",
    )
    bot = models.CharField(max_length=40, blank=True)  # a strategy slug, for a bot seat
    partner = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True)
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "student"], name="one_seat_per_student_per_session"
            )
        ]
        ordering = ["pk"]

    def __str__(self):
        return f"{self.student or self.bot} in {self.session}"


class LiveRound(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    block = models.PositiveIntegerField()
    condition = models.CharField(max_length=60)
    levers = models.JSONField()  # rounds.Levers as a dict
    opened = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField()
    resolved = models.DateTimeField(null=True, blank=True)
    last_move = models.DateTimeField(null=True, blank=True)
    last_of_block = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="one_round_per_number")
        ]
        ordering = ["number"]

    def __str__(self):
        return f"Round {self.number} of {self.session}"


class LiveMove(models.Model):
    """A seat's move in a round. A student's row is written when they choose (intended
    only); resolving the round fills in the rest, and writes the rows of bots and of
    students who did not choose in time (marked by_strategy)."""

    round = models.ForeignKey(LiveRound, on_delete=models.CASCADE, related_name="moves")
    seat = models.ForeignKey(LiveSeat, on_delete=models.CASCADE, related_name="moves")
    intended = models.CharField(max_length=1)
    message = models.CharField(max_length=40, blank=True)
    by_strategy = models.CharField(max_length=40, blank=True)  # who played it, if not the seat
    played = models.CharField(max_length=1, blank=True)
    saw = models.CharField(max_length=1, blank=True)
    points = models.FloatField(null=True, blank=True)
    caught = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "seat"], name="one_move_per_seat_per_round")
        ]

    def __str__(self):
        return f"{self.seat} · round {self.round.number}"
