"""Signals a higher app may connect to; the quizzes app never learns who listens."""

import django.dispatch

# Sent after the commit that set or changed an attempt's grade, with `attempt=`.
attempt_graded = django.dispatch.Signal()
