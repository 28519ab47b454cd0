"""Who is calling the APIs: application passwords (REST over HTTP Basic, and XML-RPC) and, for
XML-RPC as WordPress allows by default, the account password. Everything goes through Django's
`authenticate`, so the login throttle counts API failures like any other."""

import base64
import binascii

from django.contrib.auth import authenticate, get_user_model

from blog.auth_backends import ModelBackend
from blog.clients import client_ip

from .models import ApplicationPassword

BACKEND = "wordpress.auth.ApplicationPasswordBackend"


class ApplicationPasswordBackend(ModelBackend):
    """Accepts an application password, and only when the caller is an API (`api=True`)."""

    def authenticate(self, request, username=None, password=None, api=False, **kwargs):
        if not api or not username or not password:
            return None
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        record = ApplicationPassword.matching(user, password)
        if record is None:
            return None
        record.mark_used(client_ip(request) if request else None)
        return user


def api_user(request, username, password, account_password_allowed):
    """The user these credentials name, or None. With account passwords off, only an
    application password will do."""
    user = authenticate(request, username=username, password=password, api=True)
    if user is None:
        return None
    if not account_password_allowed and getattr(user, "backend", "") != BACKEND:
        return None
    return user


def basic_credentials(request):
    """(username, password) from an `Authorization: Basic …` header, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None
