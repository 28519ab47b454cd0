"""Discussion changes that content caches must hear about."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog import widgets

from .models import Comment


@receiver([post_save, post_delete], sender=Comment)
def refresh_widgets(sender, **kwargs):
    widgets.invalidate()
