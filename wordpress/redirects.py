"""Old links of a WordPress site that used another permalink structure (/%postname%/,
/archives/%post_id%, /%year%/%postname%.html…): matched and sent to the new URL."""

import re
from urllib.parse import unquote

from django.http import HttpResponsePermanentRedirect

from blog import errors
from blog.converters import parse_id
from blog.models import Post, SiteOptions


def page_not_found(request, exception=None):
    """The 404 handler: an old address of the site moved here redirects, else the theme's 404."""
    if "//" in request.path:  # old exports carry links like https://site//greek/
        return HttpResponsePermanentRedirect(re.sub("/{2,}", "/", request.get_full_path()))
    if target := old_permalink_target(request.path):
        return HttpResponsePermanentRedirect(target)
    return errors.page_not_found(request, exception)


TAGS = {
    "%year%": r"(?P<year>[0-9]{4})",
    "%monthnum%": r"(?P<month>[0-9]{1,2})",
    "%day%": r"(?P<day>[0-9]{1,2})",
    "%hour%": r"[0-9]{1,2}",
    "%minute%": r"[0-9]{1,2}",
    "%second%": r"[0-9]{1,2}",
    "%postname%": r"(?P<slug>[^/]+)",
    "%post_id%": r"(?P<post_id>[0-9]+)",
    "%category%": r".+?",
    "%author%": r"[^/]+",
}


def pattern_for(structure):
    regex = re.escape(structure.strip())
    for tag, group in TAGS.items():
        regex = regex.replace(re.escape(tag), group)
    return re.compile(f"^{regex.rstrip('/')}/?$")


def old_permalink_target(path):
    """The new URL for an old address, or None: the address an imported entry had, a former
    permalink of an entry here, then the old site's permalink structure and our own with a
    former slug. Every lookup is by an indexed column."""
    path = unquote(path)
    entries = Post.objects.published()
    tidy = path if path.endswith("/") else path + "/"
    for candidate in (path, tidy):
        if entry := entries.filter(legacy_path=candidate).first():
            return entry.get_absolute_url()
    if entry := entries.filter(old_addresses__path=tidy).first():
        return entry.get_absolute_url()
    structures = [SiteOptions.get().old_permalink_structure, OWN_STRUCTURE]
    for structure in filter(None, structures):
        match = pattern_for(structure).match(path)
        if match and (post := _post_for(match.groupdict(), entries.posts())):
            return post.get_absolute_url()
    return None


OWN_STRUCTURE = "/%year%/%monthnum%/%day%/%postname%/"


def _post_for(found, posts):
    if found.get("post_id"):
        post_id = parse_id(found["post_id"])
        return None if post_id is None else posts.filter(wp_id=post_id).first()
    if not found.get("slug") or found.get("year") == "0000":  # no calendar has a year 0
        return None
    if found.get("year"):
        posts = posts.filter(published_at__year=int(found["year"]))
    if found.get("month"):
        posts = posts.filter(published_at__month=int(found["month"]))
    slug = found["slug"]
    return posts.filter(slug=slug).first() or posts.filter(old_addresses__slug=slug).first()
