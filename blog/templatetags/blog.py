"""Template tags for themes: the sidebar and post navigation."""

import re

from django import template

from .. import themes, widgets
from ..models import Post

register = template.Library()


@register.simple_tag(takes_context=True)
def sidebar(context):
    template_ = themes.get_template(["sidebar.html"])
    return template_.render({"widgets": widgets.sidebar_data(), "request": context["request"]})


@register.filter
def adjacent_post(post, direction):
    """The previous or next published post by date, as WordPress's post navigation links."""
    published = Post.objects.published().only("title", "slug", "published_at")
    if direction == "previous":
        return published.filter(published_at__lt=post.published_at).first()
    return published.filter(published_at__gt=post.published_at).order_by("published_at").first()


@register.filter
def cut_page(path):
    """A list's path without its /page/N/ part."""
    return re.sub(r"page/\d+/$", "", path)
