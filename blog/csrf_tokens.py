"""CSRF secrets, tokens and cookies for kept pages replayed without Django's request cycle
(blog/page_replay.py), in exactly the form Django's CsrfViewMiddleware writes and checks.

Django draws each of a token's 64 characters with its own call to the system's random source;
here the characters come from the worker's pool of random bytes (blog/random_pool.py), which
is what a replayed page can afford on every response. The cookie's attributes still come from
Django's middleware: it writes one cookie a second with a placeholder for the secret, and each
response puts its own in.
"""

import time

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CsrfViewMiddleware,
)

from . import random_pool

_ALPHABET = CSRF_ALLOWED_CHARS.encode()
_BASE = len(_ALPHABET)
# Characters are worked on as their indexes in the alphabet, one byte each, so a whole token
# goes through bytes.translate at once. Random bytes below the largest multiple of the
# alphabet's length map evenly onto it; the rest are dropped, so every index is equally likely.
_EVEN = 256 - 256 % _BASE
_RANDOM_TO_INDEX = bytes(byte % _BASE for byte in range(256))
_UNEVEN = bytes(range(_EVEN, 256))
_INDEX_TO_CHAR = _ALPHABET + bytes(256 - _BASE)
_CHAR_TO_INDEX = bytes(_ALPHABET.find(byte) % _BASE for byte in range(256))
# Django's _mask_cipher_secret adds a secret's and a mask's indexes modulo the alphabet's
# length: two indexes add up to less than 2 * 62, so the sums of whole tokens added as big
# integers never carry from one byte into the next.
_SUM_TO_CHAR = bytes(_ALPHABET[total % _BASE] for total in range(2 * _BASE)) + bytes(
    256 - 2 * _BASE
)
_CHARS = frozenset(CSRF_ALLOWED_CHARS)
COOKIE_SETTINGS = (
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_AGE",
    "CSRF_COOKIE_DOMAIN",
    "CSRF_COOKIE_PATH",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
)


def _random_indexes(length):
    drawn = b""
    while len(drawn) < length:
        drawn += random_pool.take(length + 8).translate(_RANDOM_TO_INDEX, _UNEVEN)
    return drawn[:length]


def is_secret(value):
    """Whether a cookie holds a secret as Django writes it (other forms go to Django)."""
    return len(value) == CSRF_SECRET_LENGTH and _CHARS.issuperset(value)


def masked(secret):
    """The token for a form: the secret under a fresh mask, as Django's get_token returns it."""
    return _masked(secret.encode().translate(_CHAR_TO_INDEX), _random_indexes(CSRF_SECRET_LENGTH))


def new_secret_and_token():
    """A new reader's secret (as Django's _get_new_csrf_string makes one) and a token for a
    form (as masked(secret) gives it), from one draw of random characters."""
    drawn = _random_indexes(2 * CSRF_SECRET_LENGTH)
    secret_indexes = drawn[:CSRF_SECRET_LENGTH]
    secret = secret_indexes.translate(_INDEX_TO_CHAR).decode()
    return secret, _masked(secret_indexes, drawn[CSRF_SECRET_LENGTH:])


def _masked(secret_indexes, mask):
    sums = int.from_bytes(secret_indexes, "big") + int.from_bytes(mask, "big")
    cipher = sums.to_bytes(CSRF_SECRET_LENGTH, "big").translate(_SUM_TO_CHAR)
    return (mask.translate(_INDEX_TO_CHAR) + cipher).decode()


_cookie_settings_changes = 0


@receiver(setting_changed)
def _cookie_settings_changed(setting, **kwargs):
    """Cookies are written again when a test changes their settings (read once otherwise)."""
    global _cookie_settings_changes
    if setting in COOKIE_SETTINGS:
        _cookie_settings_changes += 1


class CookieWriter:
    """Set-Cookie values for a new secret, with the attributes Django's middleware gives."""

    PLACEHOLDER = "inkwell-csrf-secret"

    def __init__(self):
        self._middleware = CsrfViewMiddleware(lambda request: None)
        self._written_at = (None, None)  # (when, the cookie split at the placeholder)

    def __call__(self, secret):
        # The cookie's expiry is written to the second, its attributes come from settings.
        when = (int(time.time()), _cookie_settings_changes)
        written, pieces = self._written_at
        if written != when:
            pieces = self._written().split(self.PLACEHOLDER)
            self._written_at = (when, pieces)
        return secret.join(pieces)

    def _written(self):
        request, response = HttpRequest(), HttpResponse()
        request.META.update(CSRF_COOKIE=self.PLACEHOLDER, CSRF_COOKIE_NEEDS_UPDATE=True)
        self._middleware.process_response(request, response)
        return response.cookies[settings.CSRF_COOKIE_NAME].OutputString()
