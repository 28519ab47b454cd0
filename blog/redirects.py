"""Old links of a WordPress site that used another permalink structure (/%postname%/,
/archives/%post_id%, /%year%/%postname%.html…): matched and sent to the new URL."""

import re
from urllib.parse import unquote

from .models import Post, SiteOptions

TAGS = {
    "%year%": r"(?P<year>\d{4})",
    "%monthnum%": r"(?P<month>\d{1,2})",
    "%day%": r"(?P<day>\d{1,2})",
    "%hour%": r"\d{1,2}",
    "%minute%": r"\d{1,2}",
    "%second%": r"\d{1,2}",
    "%postname%": r"(?P<slug>[^/]+)",
    "%post_id%": r"(?P<post_id>\d+)",
    "%category%": r".+?",
    "%author%": r"[^/]+",
}


def pattern_for(structure):
    regex = re.escape(structure.strip())
    for tag, group in TAGS.items():
        regex = regex.replace(re.escape(tag), group)
    return re.compile(f"^{regex.rstrip('/')}/?$")


def old_permalink_target(path):
    """The new URL for `path` under the old structure, or None."""
    structure = SiteOptions.get().old_permalink_structure
    if not structure:
        return None
    match = pattern_for(structure).match(unquote(path))
    if not match:
        return None
    found = match.groupdict()
    posts = Post.objects.published().posts()
    if found.get("post_id"):
        post = posts.filter(wp_id=int(found["post_id"])).first()
    elif found.get("slug"):
        posts = posts.filter(slug=found["slug"])
        if found.get("year"):
            posts = posts.filter(published_at__year=int(found["year"]))
        if found.get("month"):
            posts = posts.filter(published_at__month=int(found["month"]))
        post = posts.first()
    else:
        post = None
    return post.get_absolute_url() if post else None
