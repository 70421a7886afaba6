from django import forms

from apps.cases.models import CasePrediction


class PredictionForm(forms.Form):
    """What a student expects one theory to say about a case, committed before the reveal."""

    lens = forms.ChoiceField()
    text = forms.CharField(max_length=2000, strip=True)

    def __init__(self, *args, lenses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lens"].choices = [(slug, slug) for slug in lenses]


class JudgementForm(forms.Form):
    """How a student's prediction compares with the reading it revealed."""

    lens = forms.ChoiceField()
    judgement = forms.ChoiceField(
        choices=CasePrediction.Judgement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how your prediction compared with the reading."},
    )

    def __init__(self, *args, lenses: list[str], predicted: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lens"].choices = [(slug, slug) for slug in lenses]
        self.predicted = predicted

    def clean_lens(self):
        lens = self.cleaned_data["lens"]
        if lens not in self.predicted:
            raise forms.ValidationError("Predict first: there is no prediction to judge yet.")
        return lens
