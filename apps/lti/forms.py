from django import forms

from apps.lti import catalogue


class PickForm(forms.Form):
    """The items an instructor places in the course with one deep-linking answer."""

    pages = forms.MultipleChoiceField(
        label="Pages to add to the course",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one page to add."},
    )

    def __init__(self, *args, choices: list[catalogue.Item], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pages"].choices = [(item.ref, item.title) for item in choices]
