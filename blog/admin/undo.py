"""WordPress's Undo after moving posts, pages or comments to the Trash or to spam: the
message says what was done and carries a small form that puts each row back in the state it
had. What to put back travels signed, for this user and this list only, once, for a day; the
rows are checked again when it comes back (only those still where the action left them, and
that the user may still change)."""

import secrets

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

SALT = "inkwell.admin.undo"
MAX_AGE = 86400


class UndoMixin:
    """For a ModelAdmin: `undo_message` after a change of state, and the view its Undo
    button posts to, which calls `undo(request, moved_to, previous)` (previous: {pk: state})
    for the message to show."""

    def undo_message(self, request, text, moved_to, previous):
        """`text` followed by an Undo button that puts back the `previous` states."""
        if not previous:
            return text
        change = {
            "id": secrets.token_hex(8),  # each Undo works once
            "model": self.opts.label,
            "user": request.user.pk,
            "to": moved_to,
            "was": list(previous.items()),
        }
        token = signing.dumps(change, salt=SALT, compress=True)
        info = self.opts.app_label, self.opts.model_name
        return format_html(
            '{} <form method="post" action="{}" class="undo-form">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="undo" value="{}">'
            '<button type="submit" class="undo-button">{}</button></form>',
            text,
            reverse("admin:{}_{}_undo".format(*info)),
            get_token(request),
            token,
            _("Undo"),
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(require_POST(self.undo_view))
        return [path("undo/", view, name="{}_{}_undo".format(*info)), *super().get_urls()]

    def undo_view(self, request):
        try:
            change = signing.loads(request.POST.get("undo", ""), salt=SALT, max_age=MAX_AGE)
        except signing.SignatureExpired:
            raise BadRequest("This Undo has expired: change the rows back from the list.") from None
        except signing.BadSignature:
            raise BadRequest("This Undo is not valid.") from None
        if change["user"] != request.user.pk or change["model"] != self.opts.label:
            raise BadRequest("This Undo belongs to another user or another list.")
        if not cache.add(f"inkwell:undo-used:{change['id']}", True, MAX_AGE):
            raise BadRequest("This Undo has been used already.")
        previous = {int(pk): state for pk, state in change["was"]}
        self.message_user(request, self.undo(request, change["to"], previous), messages.SUCCESS)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return redirect(back)
