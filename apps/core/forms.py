import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.contrib.auth.models import User

from apps.core import throttle

# Accounts created from one address in an hour: a lecture hall signing up together fits.
SIGNUPS = throttle.Throttle("signup:address", seconds=3600, limit=200)
# Reset mails asked for: per address, and per email address typed (registered or not, so
# the answer never depends on whether an account uses it).
RESETS_PER_ADDRESS = throttle.Throttle("reset:address", seconds=3600, limit=20)
RESETS_PER_EMAIL = throttle.Throttle("reset:email", seconds=3600, limit=3)


def _later(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds)} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


class ThrottledLoginForm(AuthenticationForm):
    """Refuses to check a password while the throttle says this try must wait
    (apps.core.throttle.login_wait says why)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": "Too many failed log-in attempts for this account from your network. "
        "Try again in {later}.",
        "slow": "This account has had many failed log-in attempts lately, so each try must "
        "wait a little. Try again in {later}.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        why, seconds = throttle.login_wait(username, address)
        if why:
            message = self.error_messages[why].format(later=_later(seconds))
            raise forms.ValidationError(message, code=why)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.login_failed(username, address)
            raise
        throttle.login_succeeded(username, address)
        return cleaned


class ThrottledAdminLoginForm(ThrottledLoginForm, AdminAuthenticationForm):
    """The admin's log-in, throttled like the site's (one set of counters for both doors)."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": ThrottledLoginForm.error_messages["locked"],
        "slow": ThrottledLoginForm.error_messages["slow"],
    }


class SignUpForm(UserCreationForm):
    """An email may serve several accounts (a reset mails each): refusing a used one would
    tell anyone whether that address is registered here."""

    email = forms.EmailField(
        required=True, help_text="Used only to reset your password if you forget it."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address

    def clean(self):
        if SIGNUPS.is_locked(self.address):
            raise forms.ValidationError(
                "Too many accounts were created from your network in the last hour. Try "
                f"again in {_later(SIGNUPS.wait(self.address))}.",
                code="throttled",
            )
        return super().clean()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def save(self, commit=True):
        SIGNUPS.record(self.address)
        return super().save(commit)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Every request counts, whether or not an account uses the address typed."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address

    def clean(self):
        cleaned = super().clean()
        email = (cleaned.get("email") or "").strip().lower()
        wait = max(RESETS_PER_ADDRESS.wait(self.address), RESETS_PER_EMAIL.wait(email))
        if wait:
            raise forms.ValidationError(
                f"Too many reset requests lately. Try again in {_later(wait)}.",
                code="throttled",
            )
        RESETS_PER_ADDRESS.record(self.address)
        RESETS_PER_EMAIL.record(email)
        return cleaned
