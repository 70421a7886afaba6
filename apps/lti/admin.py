"""Platforms are registered in the admin (or with manage.py lti_add_platform). django-lti's
own registration admin shows the optional per-registration private key: it is replaced by
one that never shows a private key, and the key pairs are not in the admin at all.
Score sends are shown to the course's instructors on its LTI course page."""

from django.contrib import admin
from lti_tool.admin import LtiDeploymentInline
from lti_tool.models import LtiRegistration

admin.site.unregister(LtiRegistration)


@admin.register(LtiRegistration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "is_active"]
    fields = [
        "name", "issuer", "client_id", "audience", "auth_url", "token_url", "keyset_url",
        "is_active",
    ]  # fmt: skip
    inlines = [LtiDeploymentInline]
