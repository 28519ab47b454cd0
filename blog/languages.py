"""The site's language, chosen as WordPress does (Settings → General → Site Language)."""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import SiteOptions


def choices():
    """English (the source) and each language with a catalogue in LOCALE_PATHS, by local name;
    blank is the server's LANGUAGE_CODE."""
    codes = {"en"}
    for locale_dir in settings.LOCALE_PATHS:
        codes.update(path.parts[-3] for path in Path(locale_dir).glob("*/LC_MESSAGES/django.mo"))
    default = (
        "",
        _("Server default (%(code)s)") % {"code": settings.LANGUAGE_CODE},
    )
    return [default] + [
        (code, translation.get_language_info(code)["name_local"]) for code in sorted(codes)
    ]


def site_language():
    """The language chosen in Settings, or LANGUAGE_CODE when none is chosen or it is unknown."""
    for code in (SiteOptions.get().site_language, settings.LANGUAGE_CODE):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
