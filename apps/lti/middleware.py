"""What a page needs to work inside an LMS's iframe, given only to LTI pages: the tool's
own URLs (/lti/…) and any page of a session that an LTI launch signed in (a launched
student moves on to the lesson or quiz it opened, inside the same frame). Every other
page keeps Django's defaults: no framing, Lax cookies."""

from django.conf import settings
from django.utils.csp import CSP

from apps.lti.framing import allowed_ancestors, is_lti_request


def lti_framing(get_response):
    """frame-ancestors names the platforms instead of 'none', and no X-Frame-Options.
    Placed after the clickjacking and CSP middleware, so it runs before them on the way out."""

    def middleware(request):
        response = get_response(request)
        if is_lti_request(request):
            policy = getattr(response, "_csp_config", None) or settings.SECURE_CSP
            response._csp_config = {
                **policy,
                "frame-ancestors": [CSP.SELF, *allowed_ancestors(request)],
            }
            response.xframe_options_exempt = True
        return response

    return middleware


def lti_cookies(get_response):
    """Cookies set in an iframe are third-party: SameSite=None, Secure and Partitioned
    (CHIPS), or browsers drop them. Placed before the session middleware, so it sees the
    session and CSRF cookies after they are set."""

    def middleware(request):
        response = get_response(request)
        if is_lti_request(request):
            for morsel in response.cookies.values():
                morsel["secure"] = True
                # Python 3.13's Morsel has no Partitioned attribute (3.14 adds one), and
                # Django's set_cookie none either: it rides on the SameSite value.
                morsel["samesite"] = "None; Partitioned"
        return response

    return middleware
