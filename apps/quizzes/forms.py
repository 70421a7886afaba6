from django import forms

from apps.quizzes.models import Question

Kind = Question.Kind


class AnswerForm(forms.Form):
    """One question's answer as posted, cleaned to the JSON a Response stores.

    Only the question's own choices (and, for matching, its own right-hand texts) are
    valid values. `answer()` is None when nothing is answered.
    """

    def __init__(self, question: Question, data=None):
        super().__init__(data)
        self.question = question
        ids = [(c.pk, c.pk) for c in question.choice_list]
        kind = question.kind
        if kind in (Kind.SINGLE, Kind.TRUEFALSE, Kind.MISSINGWORD):
            self.fields["answer"] = forms.TypedChoiceField(
                choices=ids, coerce=int, required=False, empty_value=None
            )
        elif kind == Kind.MULTIPLE:
            self.fields["answer"] = forms.TypedMultipleChoiceField(
                choices=ids, coerce=int, required=False
            )
        elif kind in (Kind.SHORT, Kind.NUMERICAL):
            self.fields["answer"] = forms.CharField(max_length=500, required=False)
        elif kind == Kind.ESSAY:
            self.fields["answer"] = forms.CharField(max_length=50_000, required=False)
        elif kind == Kind.MATCHING:
            options = [("", "")] + [(text, text) for text in question.match_options]
            for choice in question.choice_list:
                if choice.text:
                    self.fields[f"match-{choice.pk}"] = forms.ChoiceField(
                        choices=options, required=False
                    )

    def answer(self):
        data = self.cleaned_data
        kind = self.question.kind
        if kind == Kind.MATCHING:
            pairs = {name.removeprefix("match-"): value for name, value in data.items() if value}
            return pairs or None
        if kind == Kind.MULTIPLE:
            return sorted(set(data["answer"])) or None
        if kind == Kind.DESCRIPTION:
            return None
        return data["answer"] or None
