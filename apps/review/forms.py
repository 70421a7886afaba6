from django import forms

from apps.review.models import MAX_RETENTION, MIN_RETENTION, Rating


class RatingForm(forms.Form):
    """One rating of one card, with the card's version the page was rendered at."""

    rating = forms.TypedChoiceField(
        choices=Rating.choices,
        coerce=int,
        error_messages={"invalid_choice": "Choose Again, Hard, Good or Easy.",
                        "required": "Choose Again, Hard, Good or Easy."},
    )  # fmt: skip
    version = forms.IntegerField(min_value=0)


class RetentionForm(forms.Form):
    """The share of cards the student wants to still remember when each comes back, as a
    percentage between 80 and 95."""

    retention = forms.IntegerField(
        label="Desired retention (%)",
        min_value=round(MIN_RETENTION * 100),
        max_value=round(MAX_RETENTION * 100),
        help_text="Between 80 and 95. Higher means you remember more, and review more often.",
        error_messages={
            "min_value": "Choose at least 80%%: below that, too much is forgotten between reviews.",
            "max_value": "Choose at most 95%%: above that, reviews come back too often to keep up.",
            "required": "Enter a percentage between 80 and 95.",
            "invalid": "Enter a whole number between 80 and 95.",
        },
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
    )

    def cleaned_retention(self) -> float:
        return self.cleaned_data["retention"] / 100
