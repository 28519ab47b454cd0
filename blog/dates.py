"""Dates as WordPress prints them."""

from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_noop

# WordPress's admin formats, translatable (a language may order the letters its own way).
LIST_FORMAT = gettext_noop("Y/m/d \\a\\t g:i a")  # lists: "2026/11/25 at 9:15 pm"
LONG_FORMAT = gettext_noop("M j, Y \\a\\t g:i a")  # the Publish box: "Nov 25, 2026 at 9:15 pm"


def wp_format(value, format_string):
    """A date in PHP's letters as WordPress reads them. Django's `date` agrees on every letter
    but "a", which WordPress prints "am"/"pm" (Django: "a.m."/"p.m.")."""
    if not value:
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    meridiem = "am" if value.hour < 12 else "pm"
    escaped, parts = False, []
    for char in str(format_string):
        if char == "a" and not escaped:
            parts.append("".join(f"\\{letter}" for letter in meridiem))
        else:
            parts.append(char)
        escaped = char == "\\" and not escaped
    return dateformat.format(value, "".join(parts))


def list_date(value):
    return wp_format(value, gettext(LIST_FORMAT))


def long_date(value):
    return wp_format(value, gettext(LONG_FORMAT))
