from django import forms


class PredictionForm(forms.Form):
    """What a student expects one theory to say about a case, committed before the reveal."""

    lens = forms.ChoiceField()
    text = forms.CharField(max_length=2000, strip=True)

    def __init__(self, *args, lenses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lens"].choices = [(slug, slug) for slug in lenses]
