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
