from django import forms

from apps.quizzes.models import Question


class AnswerForm(forms.Form):
    """One question's answer as posted, cleaned to the JSON a Response stores.

    Options are posted under the opaque names the page gave them (presentation.OptionNames)
    and read back to choice ids here; only the question's own options (and, for matching,
    its own right-hand texts) are valid. `answer()` is None when nothing is answered.
    """

    def __init__(self, question: Question, names, data=None):
        super().__init__(data)
        self.question = question
        spec = question.spec
        self.ids_by_name = names.by_name(question.choice_list)
        named = [(name, name) for name in self.ids_by_name]
        if spec.lists_choices and spec.picks_many:
            self.fields["answer"] = forms.MultipleChoiceField(choices=named, required=False)
        elif spec.lists_choices:
            self.fields["answer"] = forms.ChoiceField(choices=named, required=False)
        elif spec.pairs:
            options = [("", "")] + [(text, text) for text in question.match_options]
            for name, choice_id in self.ids_by_name.items():
                if any(c.pk == choice_id and c.text for c in question.choice_list):
                    self.fields[f"match-{name}"] = forms.ChoiceField(
                        choices=options, required=False
                    )
        elif spec.typed_length:
            self.fields["answer"] = forms.CharField(max_length=spec.typed_length, required=False)

    def answer(self):
        data = self.cleaned_data
        spec = self.question.spec
        if spec.pairs:
            pairs = {
                str(self.ids_by_name[name.removeprefix("match-")]): value
                for name, value in data.items()
                if value
            }
            return pairs or None
        if spec.lists_choices and spec.picks_many:
            return sorted({self.ids_by_name[name] for name in data["answer"]}) or None
        if spec.lists_choices:
            return self.ids_by_name.get(data["answer"])
        if spec.typed_length:
            return data["answer"] or None
        return None


class SelfAssessmentForm(forms.Form):
    """Which of the marking guide's criteria the student judges their essay meets."""

    met = forms.TypedMultipleChoiceField(
        label="What your answer does", coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, criteria: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["met"].choices = [(index, text) for index, text in enumerate(criteria)]
