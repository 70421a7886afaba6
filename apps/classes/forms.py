from django import forms

from apps.classes.models import CODE_LENGTH


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Class code",
        max_length=40,
        help_text=f"{CODE_LENGTH} letters and digits, from your instructor.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": "Type the code your instructor gave you."},
    )
