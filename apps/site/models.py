from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """One searchable page (lesson, case, term, theory, quiz explanation), rebuilt on save."""

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    text = models.TextField()
    vector = SearchVectorField(null=True, editable=False)
    # Set on quiz material: shown only to students who have completed that quiz.
    quiz = models.ForeignKey(
        "quizzes.Quiz", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="one_document_per_page")
        ]
        indexes = [GinIndex(fields=["vector"], name="search_vector_gin")]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchWord(models.Model):
    """One word of the indexed titles and texts, rebuilt with the index: the vocabulary a
    misspelled query is matched against ("did you mean", PostgreSQL's pg_trgm)."""

    word = models.CharField(max_length=100, unique=True)

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="search_word_trgm")]

    def __str__(self):
        return self.word
