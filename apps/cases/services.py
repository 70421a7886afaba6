"""Writes to a signed-in student's case predictions (visitors' stay in their session)."""

from django.db import transaction
from django.utils import timezone

from apps.cases.models import Case, CasePrediction
from apps.lessons.models import Theory


def save_prediction(user, case: Case, theory: Theory, text: str) -> CasePrediction:
    """Commit a prediction. Once committed it stands: the reading has been revealed, so a
    second post (a double submit, another tab) changes nothing."""
    with transaction.atomic():
        prediction, _ = CasePrediction.objects.get_or_create(
            user=user, case=case, theory=theory, defaults={"text": text}
        )
    return prediction


def judge_prediction(user, case: Case, theory: Theory, judgement: str) -> CasePrediction:
    """Keep the student's judgement of their prediction against the revealed reading (they
    may change their mind). Raises CasePrediction.DoesNotExist when nothing was predicted."""
    with transaction.atomic():
        prediction = CasePrediction.objects.select_for_update().get(
            user=user, case=case, theory=theory
        )
        prediction.judgement = judgement
        prediction.judged_at = timezone.now()
        prediction.save(update_fields=["judgement", "judged_at"])
    return prediction
