"""Which requests are LTI pages, and which platforms may frame them."""

from urllib.parse import urlsplit

from django.conf import settings
from lti_tool.models import LtiRegistration

SESSION_ORIGINS = "lti_frame_origins"
LTI_NAMESPACE = "lti"


def origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def is_lti_request(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is not None and LTI_NAMESPACE in match.namespaces:
        return True
    # Only a session that already exists is read: no new session, and no Vary: Cookie,
    # for anonymous pages.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
        return False
    return bool(request.session.get(SESSION_ORIGINS))


def registered_origins() -> list[str]:
    """The origins of every active platform registration (issuer and login URL)."""
    found = set()
    for issuer, auth_url in LtiRegistration.objects.active().values_list("issuer", "auth_url"):
        found.update(o for o in (origin(issuer), origin(auth_url)) if o)
    return sorted(found)


def allowed_ancestors(request) -> list[str]:
    """The launched session's platform origins, else every registered platform's."""
    if hasattr(request, "session") and (origins := request.session.get(SESSION_ORIGINS)):
        return origins
    return registered_origins()


def launch_origins(registration: LtiRegistration, body: dict) -> list[str]:
    """Where this launch's platform shows the tool: the issuer, the login URL, and the
    pages the launch names (its return URL and the platform's own URL), which for a hosted
    LMS are often on the institution's own domain."""
    presentation = body.get("https://purl.imsglobal.org/spec/lti/claim/launch_presentation") or {}
    platform = body.get("https://purl.imsglobal.org/spec/lti/claim/tool_platform") or {}
    settings_claim = (
        body.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings") or {}
    )
    urls = [
        registration.issuer,
        registration.auth_url,
        presentation.get("return_url"),
        platform.get("url"),
        settings_claim.get("deep_link_return_url"),
    ]
    return sorted({o for url in urls if (o := origin(url))})
