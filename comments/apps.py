from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Discussion")

    def ready(self):
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        from blog import fill

        from . import signals  # noqa: F401
        from .forms import one_time_fields
        from .pings import pingback  # noqa: F401  (registers its XML-RPC methods)

        # django-comments-xtd copies a parent's visibility onto all its replies when the parent
        # is saved, so approving a parent would publish held or spam replies with it. Each
        # comment's own state decides here, as in WordPress.
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender="comments.Comment")
        fill.register("comment-form", one_time_fields)
