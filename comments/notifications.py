"""E-mail about discussion, sent by the background worker once the comment is committed:
the post author on a new comment, moderators on a held one, followers on a new reply."""

from functools import partial

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from blog import origin
from blog.languages import site_language
from blog.models import SiteOptions

from .models import Comment, State
from .tree import comment_url

UNSUBSCRIBE_SALT = "inkwell.unsubscribe"


def after_commit(comment):
    """Queue the e-mails for `comment` once the surrounding transaction commits."""
    transaction.on_commit(partial(comment_saved.enqueue, comment.pk))


def after_approval(comment):
    transaction.on_commit(partial(comment_approved.enqueue, comment.pk))


@task()
def comment_saved(comment_id):
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return
    with timezone.override(SiteOptions.get().tzinfo), translation.override(site_language()):
        if comment.state == State.PENDING:
            notify_moderators(comment)
        elif comment.state == State.APPROVED:
            notify_post_author(comment)
            notify_followers(comment)


@task()
def comment_approved(comment_id):
    comment = Comment.objects.approved().filter(pk=comment_id).first()
    if comment is not None:
        with timezone.override(SiteOptions.get().tzinfo), translation.override(site_language()):
            notify_post_author(comment)
            notify_followers(comment)


def _send(subject, template, context, recipients):
    if recipients:
        context = {"site": SiteOptions.get(), **context}
        body = render_to_string(f"comments/email/{template}", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, sorted(recipients))


def notify_post_author(comment):
    post, options = comment.content_object, SiteOptions.get()
    author = post.author
    if not options.comments_notify or not author.email or comment.user_id == author.pk:
        return
    if comment.user_email == author.email:
        return
    _send(
        _('[%(site)s] Comment: "%(title)s"') % {"site": options.title, "title": post.display_title},
        "new_comment.txt",
        {
            "comment": comment,
            "post": post,
            "link": origin.absolute(comment_url(comment, post, options)),
        },
        {author.email},
    )


def notify_moderators(comment):
    post, options = comment.content_object, SiteOptions.get()
    if not options.moderation_notify:
        return
    # As WordPress: the Administration Email Address and the post's author, when they may
    # moderate what is said on their posts.
    recipients = {options.administration_email()}
    if post.author.is_active and post.author.is_staff:
        recipients.add(post.author.email)
    recipients.discard("")
    links = {
        action: origin.absolute(
            reverse("admin:comments_comment_moderate", args=[comment.pk, action])
        )
        for action in ("approve", "spam", "trash")
    }
    _send(
        _('[%(site)s] Please moderate: "%(title)s"')
        % {"site": options.title, "title": post.display_title},
        "moderate.txt",
        {
            "comment": comment,
            "post": post,
            "links": links,
            "queue": origin.absolute(
                reverse("admin:comments_comment_changelist") + "?state__exact=pending"
            ),
        },
        recipients,
    )


def notify_followers(comment):
    post, options = comment.content_object, SiteOptions.get()
    followers = (
        Comment.objects.for_model(post)
        .approved()
        .filter(followup=True)
        .exclude(user_email="")
        .exclude(user_email=comment.user_email)
        .values_list("user_email", flat=True)
        .distinct()
    )
    link = origin.absolute(comment_url(comment, post, options))
    for email in set(followers):
        token = signing.dumps([post.pk, email], salt=UNSUBSCRIBE_SALT)
        unsubscribe = origin.absolute(reverse("comment-unsubscribe", args=[token]))
        _send(
            _('[%(site)s] New comment on "%(title)s"')
            % {"site": options.title, "title": post.display_title},
            "followup.txt",
            {"comment": comment, "post": post, "link": link, "unsubscribe": unsubscribe},
            {email},
        )
