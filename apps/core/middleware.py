"""Request size limits, refused before anything reads the body, with the limit named."""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


def size_text(size: int) -> str:
    """1048576 → "1 MB" (filesizeformat says "1.0 MB")."""
    return filesizeformat(size).replace(".0\xa0", "\xa0")


def too_large(request, size: int | None = None):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    context = {"limit": size_text(limit), "size": size_text(size) if size else ""}
    return render(request, "413.html", context, status=413)


def limit_request_body(get_response):
    """No request body may exceed DATA_UPLOAD_MAX_MEMORY_SIZE, uploads included (Django
    itself counts only form fields, so a large file would otherwise be read to disk)."""

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return too_large(request, length)
        return get_response(request)

    return middleware


def reject_nul_characters(get_response):
    """Text containing NUL cannot be stored in PostgreSQL; refuse it plainly (400) instead
    of letting a view fail on it."""

    def middleware(request):
        # Query strings go through forms that already refuse NUL; posted text may not.
        values = []
        if request.method == "POST" and request.content_type != "multipart/form-data":
            values = [*request.POST.values()]
        if any("\x00" in value for value in values):
            return render(
                request,
                "400.html",
                {"reason": "Text may not contain the NUL character (\\0)."},
                status=400,
            )
        return get_response(request)

    return middleware


# No page uses a browser feature that needs permission: every one is refused, for the
# page and anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )  # fmt: skip
)


def privacy_headers(get_response):
    """Permissions-Policy on every response, static files included (it sits outside
    WhiteNoise); and `Cache-Control: private, no-store` on every response to a signed-in
    user, so no shared cache or back button keeps a gradebook, an attempt or a review.
    Static files never see the user (WhiteNoise answers before authentication runs)."""

    def middleware(request):
        response = get_response(request)
        response["Permissions-Policy"] = PERMISSIONS_POLICY
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware
