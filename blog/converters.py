"""Path converters for WordPress's permalinks (/YYYY/MM/DD/slug/), and `parse_id()` for the
IDs that arrive in query strings and forms (`?p=`, `?page_id=`, `?replytocom=`, …)."""

import re

from django.urls import register_converter

ID_MAX = 2**63 - 1  # the largest key a database column holds (SQLite and PostgreSQL bigint)
ID_RE = re.compile(r"[0-9]{1,19}")


def parse_id(value):
    """The ID `value` names, or None when it is not one: ASCII digits only (str.isdigit()
    takes "²" and int() takes "٣"), small enough for a database key (a 25-digit ID overflows
    SQLite; a 5,000-digit one is more than int() will read)."""
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        return None
    number = int(value)
    return number if number <= ID_MAX else None


class FourDigitYear:
    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigit:
    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class Id:
    """A database key in a path (`<id:pk>`): what parse_id() takes, or no match."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value):
        if (number := parse_id(value)) is None:
            raise ValueError(value)  # the URL does not match: a 404
        return number

    def to_url(self, value):
        return str(int(value))


class Slug:
    """Any single path segment: WordPress slugs may hold Unicode (decoded from %-encoding)."""

    regex = r"[^/]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigit, "mm")
register_converter(TwoDigit, "dd")
register_converter(Slug, "wpslug")
register_converter(Id, "id")
