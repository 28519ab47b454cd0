"""Posting a comment through the Leave a Reply form, and leaving a thread's follow-ups."""

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from blog import themes
from blog.clients import client_ip
from blog.converters import parse_id
from blog.models import Post, SiteOptions

from . import cookies, moderation, notifications
from .forms import CommentForm
from .models import Comment, Kind, State
from .tree import comment_url, held_comment_hash


def _target_post(request):
    """The entry a comment is for, if the commenter may read it. An entry they may not read
    answers exactly as one that does not exist: no title, no link, nothing to enumerate."""
    data = request.POST
    post_type = ContentType.objects.get_for_model(Post)
    if data.get("content_type") != f"{post_type.app_label}.{post_type.model}":
        raise Http404
    number = parse_id(data.get("object_pk", ""))
    post = Post.objects.readable_by(request.user).filter(pk=number).first() if number else None
    if post is None:
        raise Http404
    return post


def _failure(request, post, messages, form=None, status=400):
    if form is not None and form.is_bound:
        form.data = form.data.copy()
        form.data["token"] = form.make_token()  # the form shown again is a new form
    context = {"post": post, "messages_": messages, "form": form}
    return themes.render(request, ["comment-error.html"], context, status=status)


def _new_comment(request, form):
    comment = form.get_comment_object()
    comment.kind = Kind.COMMENT
    comment.user_name = comment.user_name or "Anonymous"
    comment.ip_address = client_ip(request)
    comment.user_agent = request.headers.get("User-Agent", "")[:255]
    if request.user.is_authenticated:
        comment.user = request.user
    return comment


@csrf_protect
@require_POST
def post_comment(request):
    post = _target_post(request)
    data = request.POST.copy()
    if request.user.is_authenticated:
        data["name"] = request.user.get_full_name() or request.user.get_username()
        data["email"] = request.user.email or f"{request.user.get_username()}@invalid"
        data["url"] = ""
    form = CommentForm(post, data=data)
    try:
        moderation.check_open(post)
        if not post.password_unlocked(request):
            raise moderation.Rejected(_("Sorry, comments are closed for this item."), status=403)
        if not form.is_valid():
            return _failure(request, post, form.error_messages_in_order(), form)
        moderation.check_parent(post, form.cleaned_data["reply_to"])
        comment = _new_comment(request, form)
        moderation.moderate(comment, post, request.user)
        if not form.claim_token():
            raise moderation.Rejected(
                _("Error: This form was already submitted. Please reload the page to post again.")
            )
    except moderation.Rejected as rejected:
        return _failure(request, post, [rejected.message], form, status=rejected.status)

    with transaction.atomic():
        comment.save()
        notifications.after_commit(comment)

    response = HttpResponseRedirect(_landing_url(comment, post))
    if not request.user.is_authenticated:
        if form.cleaned_data["remember"]:
            cookies.remember(response, comment)
        else:
            cookies.forget(response)
    return response


def _landing_url(comment, post):
    """Where the commenter lands: their comment, on the right comment page. A held comment
    is shown to them alone, through a signed link, as WordPress does."""
    url = comment_url(comment, post, SiteOptions.get())
    if comment.state == State.PENDING:
        path, anchor = url.split("#")
        url = (
            f"{path}?unapproved={comment.pk}&moderation-hash={held_comment_hash(comment)}#{anchor}"
        )
    return url


def unsubscribe(request, token):
    """The signed link in follow-up e-mails: stop mail about this post's new comments."""
    try:
        post_pk, email = signing.loads(token, salt=notifications.UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError) as error:
        raise Http404 from error
    post = get_object_or_404(Post, pk=post_pk)
    if request.method == "POST":
        Comment.objects.for_model(post).filter(user_email=email).update(followup=False)
        return themes.render(
            request, ["unsubscribed.html"], {"post": post, "email": email, "done": True}
        )
    return themes.render(request, ["unsubscribed.html"], {"post": post, "email": email})
