"""Moments as people read them: in the site's time zone (DJANGO_TIME_ZONE), named."""

from django.utils import timezone
from django.utils.dateformat import format as format_date

WHEN = "j M Y, H:i T"  # the same format templates use: 24 Nov 2026, 10:00 GMT


def when(moment) -> str:
    return format_date(timezone.localtime(moment), WHEN)
