"""Who a REST request acts for: an application password over HTTP Basic, or the signed-in
session with WordPress's `wp_rest` nonce (`X-WP-Nonce` or `_wpnonce`) — without the nonce a
cookie counts for nothing, which is what keeps other sites from writing through a reader's
browser."""

from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare, salted_hmac

from ..auth import api_user, basic_credentials
from .errors import RestError


def nonce(request):
    """The `wp_rest` nonce for this session (what WordPress's admin hands its scripts)."""
    session = request.session.session_key or ""
    return salted_hmac("wp_rest", f"{session}:{request.user.pk}").hexdigest()[:10]


def acting_user(request):
    """The user the request acts for, or AnonymousUser; a bad credential is an error."""
    if credentials := basic_credentials(request):
        user = api_user(request, *credentials, account_password_allowed=False)
        if user is None:
            raise RestError(
                "incorrect_password",
                "The provided password is an invalid application password.",
                401,
            )
        return user
    if not request.user.is_authenticated:
        return request.user
    given = request.headers.get("X-WP-Nonce") or request.GET.get("_wpnonce")
    if not given:
        return AnonymousUser()
    if not constant_time_compare(given, nonce(request)):
        raise RestError("rest_cookie_invalid_nonce", "Cookie check failed", 403)
    return request.user
