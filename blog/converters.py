"""Path converters for WordPress's permalinks: /YYYY/MM/DD/slug/."""

from django.urls import register_converter


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
