"""The admin dashboard: At a Glance, pending comments, drafts, activity, most viewed."""

from django import template
from django.utils.translation import gettext

from .. import discussion
from ..models import Post, Status
from ..stats import charts, daily

register = template.Library()


@register.simple_tag
def dashboard(request):
    approved = discussion.discussed_by(request.user, discussion.approved_comments())
    held = discussion.discussed_by(request.user, discussion.held_comments())
    entries = Post.objects.all()
    if not request.user.has_perm("blog.edit_others_posts"):
        entries = entries.filter(author=request.user)
    daily.flush()
    most_viewed = daily.most_viewed()
    return {
        "posts": Post.objects.published().posts().count(),
        "pages": Post.objects.published().pages().count(),
        "comments": approved.count(),
        "pending_count": held.count(),
        "pending": held.order_by("-submit_date")[:5],
        "drafts_count": entries.filter(status=Status.DRAFT).count(),
        "scheduled_count": entries.filter(status=Status.FUTURE).count(),
        "drafts": entries.posts().filter(status=Status.DRAFT).order_by("-updated_at")[:5],
        "recent_posts": Post.objects.published().posts()[:5],
        "recent_comments": discussion.discussed_by(
            request.user, discussion.comments().order_by("-submit_date")
        )[:5],
        "most_viewed": most_viewed,
        "chart": charts.bar_chart(daily.last_days(), gettext("All posts")),
    }
