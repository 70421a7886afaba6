"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


def password_reset_by_email() -> bool:
    """Whether a mailer is configured (EMAIL_URL, or the development console)."""
    return "default" in settings.MAILERS


@register(Tags.security, deploy=True)
def email_is_configured(app_configs, **kwargs):
    if password_reset_by_email():
        return []
    return [
        Warning(
            "EMAIL_URL is not set, so no mail can be sent: password reset by email is off.",
            hint="Set EMAIL_URL, e.g. smtp://user:password@mail.example.org:587/?tls=1.",
            id="regimes.W001",
        )
    ]
