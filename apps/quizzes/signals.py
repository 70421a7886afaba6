"""Signals a higher app may connect to; the quizzes app never learns who listens."""

import django.dispatch

# Sent after the commit that set or changed an attempt's grade, with `attempt=`.
attempt_graded = django.dispatch.Signal()

# Sent after the commit that graded answers to questions: a submitted quiz attempt's, all at
# once, or one ungraded check inside a lesson. With `user=`, `answers=` (a list of
# (question, correct) pairs, correct a bool: full credit), `answered_at=` (an aware UTC
# datetime) and `source=` ("quiz" or "check"). Spaced review listens to it: a wrong answer
# becomes a card to bring back.
questions_answered = django.dispatch.Signal()

# Sent after the commit that released a quiz's marks or feedback by hand, or withheld them
# again, with `quiz=`: what its students may see of their results has changed.
release_changed = django.dispatch.Signal()
