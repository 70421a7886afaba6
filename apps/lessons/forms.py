from django import forms

from apps.lessons.models import Lesson


class ProgressForm(forms.Form):
    """Where a student has got to in a lesson: a section of its contents, or its end."""

    section = forms.ChoiceField(required=False)
    read = forms.BooleanField(required=False)

    def __init__(self, *args, lesson: Lesson, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "")] + [
            (item["id"], item["title"]) for item in lesson.toc
        ]

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("section") and not data.get("read"):
            raise forms.ValidationError("Name a section of the lesson, or say it was read.")
        return data
