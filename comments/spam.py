"""The optional Akismet check, used only when AKISMET_API_KEY is set.

INKWELL_AKISMET_CLIENT names the client class, so tests hand in a local stand-in
(a subclass of akismet.TestSyncClient) and never reach the service.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

HAM, SPAM, UNKNOWN = "ham", "spam", "unknown"


def verdict(comment, post):
    """HAM when no key is configured or Akismet says so; UNKNOWN when it cannot be asked."""
    if not settings.AKISMET_API_KEY:
        return HAM
    import akismet

    client_class = import_string(settings.INKWELL_AKISMET_CLIENT)
    site = settings.INKWELL_SITE_URL
    try:
        client = client_class(config=akismet.Config(key=settings.AKISMET_API_KEY, url=site))
        answer = client.comment_check(
            user_ip=comment.ip_address or "",
            user_agent=comment.user_agent,
            comment_type={"comment": "comment", "pingback": "pingback"}.get(
                comment.kind, "trackback"
            ),
            comment_author=comment.user_name,
            comment_author_email=comment.user_email,
            comment_author_url=comment.user_url,
            comment_content=comment.comment,
            permalink=site.rstrip("/") + post.get_absolute_url(),
        )
    except Exception:  # the service is down or the key is wrong: hold rather than lose
        logger.exception("Akismet check failed; the comment is held for moderation")
        return UNKNOWN
    return HAM if answer == akismet.CheckResponse.HAM else SPAM
