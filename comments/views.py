"""Posting a comment through the Leave a Reply form."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from blog import themes
from blog.models import Post

from . import cookies, moderation
from .forms import CommentForm


def _target_post(data):
    post_type = ContentType.objects.get_for_model(Post)
    if data.get("content_type") != f"{post_type.app_label}.{post_type.model}":
        raise Http404
    try:
        return Post.objects.get(pk=int(data.get("object_pk", "")))
    except (ValueError, Post.DoesNotExist) as error:
        raise Http404 from error


def _failure(request, post, messages, form=None, status=400):
    context = {"post": post, "messages_": messages, "form": form}
    return themes.render(request, ["comment-error.html"], context, status=status)


@csrf_protect
@require_POST
def post_comment(request):
    post = _target_post(request.POST)
    data = request.POST.copy()
    if request.user.is_authenticated:
        data["name"] = request.user.get_full_name() or request.user.get_username()
        data["email"] = request.user.email or f"{request.user.get_username()}@invalid"
        data["url"] = ""
    form = CommentForm(post, data=data)
    try:
        moderation.check_open(post)
        if not form.is_valid():
            return _failure(request, post, form.error_messages_in_order(), form)
        moderation.check_parent(post, form.cleaned_data["reply_to"])
    except moderation.Rejected as rejected:
        return _failure(request, post, [rejected.message], form, status=rejected.status)

    comment = form.get_comment_object(site_id=None)
    if comment.pk:  # django_comments hands back the earlier, identical comment
        return HttpResponseRedirect(f"{post.get_absolute_url()}#{comment.anchor}")
    comment.kind = "comment"
    comment.ip_address = request.META.get("REMOTE_ADDR")
    comment.user_agent = request.headers.get("User-Agent", "")[:255]
    if request.user.is_authenticated:
        comment.user = request.user
    moderation.initial_state(comment, request)
    with transaction.atomic():
        comment.save()

    response = HttpResponseRedirect(f"{post.get_absolute_url()}#{comment.anchor}")
    if request.user.is_authenticated:
        return response
    if form.cleaned_data["remember"]:
        cookies.remember(response, comment)
    else:
        cookies.forget(response)
    return response
