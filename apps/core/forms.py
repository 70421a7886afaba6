from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User

from apps.core import throttle


class ThrottledLoginForm(AuthenticationForm):
    """Refuses to check passwords for an account or address with too many recent failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": (
            "Too many failed log-in attempts. For your security this account is locked "
            f"for {throttle.LOCKOUT_SECONDS // 60} minutes; please try again later or reset "
            "your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        if throttle.is_locked(username, address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear(username, address)
        return cleaned


class ThrottledAdminLoginForm(ThrottledLoginForm, AdminAuthenticationForm):
    """The admin's log-in, throttled like the site's (one counter for both doors)."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": ThrottledLoginForm.error_messages["locked"],
    }


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=True, help_text="Used only to reset your password if you forget it."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email
