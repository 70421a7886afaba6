"""Signals a higher app may connect to; the quizzes app never learns who listens."""

import django.dispatch

# Sent after the commit that set or changed an attempt's grade, with `attempt=`.
attempt_graded = django.dispatch.Signal()

# Sent after the commit that graded one answer to a question, whether in a quiz attempt or in
# an ungraded check inside a lesson, with `user=`, `question=`, `correct=` (a bool: full
# credit), `answered_at=` (an aware UTC datetime) and `source=` ("quiz" or "check").
# Spaced review listens to it: a wrong answer becomes a card to bring back.
question_answered = django.dispatch.Signal()

# Sent after the commit that released a quiz's marks or feedback by hand, or withheld them
# again, with `quiz=`: what its students may see of their results has changed.
release_changed = django.dispatch.Signal()
