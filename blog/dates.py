"""Dates as WordPress prints them."""

from django.utils import dateformat, timezone


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
