"""The Leave a Reply form, with WordPress's field names, limits and error texts."""

import functools
import hashlib
import hmac
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.validators import URLValidator
from django.utils.encoding import force_bytes
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_comments.forms import CommentSecurityForm
from django_comments_xtd.forms import XtdCommentForm

from blog import random_pool
from blog.converters import parse_id
from blog.hot_settings import hot
from blog.models import Post, SiteOptions
from blog.text import xml_text

from .models import Comment

REQUIRED = _("Error: Please fill the required fields.")
WEB_ADDRESS = URLValidator(schemes=["http", "https"])
NO_PARENT = _("Error: The comment you are replying to does not exist on this post.")
TOKEN_SALT = "inkwell.comment-form-token"
TOKEN_MAX_AGE = 2 * 3600


def make_token(post_pk, issued=None):
    """A signed, single-use token: which post, a nonce, when the form was served."""
    issued = int(time.time() if issued is None else issued)
    return _signer().sign(f"{post_pk}:{random_pool.token_urlsafe(12)}:{issued}")


def _signer():
    return _signer_for(hot.SECRET_KEY, tuple(hot.SECRET_KEY_FALLBACKS))


@functools.lru_cache(maxsize=2)
def _signer_for(key, fallback_keys):
    return TokenSigner(key=key, fallback_keys=fallback_keys, salt=TOKEN_SALT)


class TokenSigner(signing.Signer):
    """Django's Signer, with its HMAC key derived once rather than for every signature (as
    salted_hmac derives it) and the HMAC made in one call: every page served with the form
    signs a token."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        salted = force_bytes(self.salt + "signer") + force_bytes(self.key)
        self._hmac_key = hashlib.new(self.algorithm, salted).digest()

    def signature(self, value, key=None):
        if key not in (None, self.key):  # a fallback key, when a token is checked
            return super().signature(value, key)
        mac = hmac.digest(self._hmac_key, force_bytes(value), self.algorithm)
        return signing.b64_encode(mac).decode()

    def sign(self, value):
        return f"{value}{self.sep}{self.signature(value)}"


@functools.lru_cache(maxsize=256)
def _timed_fields(secret_key, post_pk, timestamp):
    """The hidden fields saying when the form was served, signed as django-comments checks
    them: the same for every form of a post served in the same second."""
    security_hash = CommentSecurityForm.generate_security_hash(
        None, str(Post._meta), post_pk, timestamp
    )
    return (
        f'<input type="hidden" name="timestamp" value="{timestamp}" id="id_timestamp">'
        '<input type="hidden" name="security_hash" '
        f'value="{security_hash}" id="id_security_hash">'
    )


def one_time_fields(request, post_pk):
    """The form's hidden fields that are new on every page served (the rest of the form may
    come from a cache): when it was served, signed as django-comments checks it, and the
    single-use token. Every value is digits, hex or URL-safe base64, nothing to escape."""
    timestamp = int(time.time())
    # SafeString, as mark_safe makes it without its check for lazy strings on every page.
    return SafeString(  # digits, hex and URL-safe base64 only
        _timed_fields(hot.SECRET_KEY, str(post_pk), str(timestamp))
        + f'<input type="hidden" name="token" value="{make_token(post_pk, timestamp)}" '
        'id="id_token">'
    )


class CommentForm(XtdCommentForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=245,
        error_messages={"required": REQUIRED, "max_length": _("Error: Your name is too long.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=100,
        error_messages={
            "required": REQUIRED,
            "invalid": _("Error: Please enter a valid email address."),
            "max_length": _("Error: Your email address is too long."),
        },
    )
    url = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        validators=[WEB_ADDRESS],
        error_messages={
            "invalid": _("Error: Please enter a valid website address (http:// or https://)."),
            "max_length": _("Error: Your URL is too long."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=65525,
        widget=forms.Textarea,
        error_messages={
            "required": _("Error: Please type your comment text."),
            "max_length": _("Error: Your comment is too long."),
        },
    )
    token = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Error: The form is incomplete. Please reload the page.")},
    )
    remember = forms.BooleanField(
        required=False,
        label=_("Save my name, email, and website in this browser for the next time I comment."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ids = {
            "name": "author",
            "email": "email",
            "url": "url",
            "comment": "comment",
            "remember": "wp-comment-cookies-consent",
            "followup": "followup",
        }
        for field, element_id in ids.items():
            self.fields[field].widget.attrs = {"id": element_id}
        self.fields["name"].widget.attrs.update(autocomplete="name", maxlength=245)
        self.fields["email"].widget.attrs.update(autocomplete="email", maxlength=100)
        self.fields["url"].widget.attrs.update(autocomplete="url", maxlength=200)
        self.fields["comment"].widget.attrs.update(rows=8, cols=45, maxlength=65525)
        self.fields["email"].help_text = ""
        self.fields["email"].widget.input_type = "email"
        self.fields["url"].widget.input_type = "url"
        self.fields["followup"].label = _("Notify me of follow-up comments by email.")

        if not SiteOptions.get().require_name_email:
            self.fields["name"].required = self.fields["email"].required = False
        if not self.is_bound:
            self.initial["token"] = self.make_token()

    def clean_name(self):
        return xml_text(self.cleaned_data["name"])

    def clean_comment(self):
        """Characters XML 1.0 forbids are dropped: feeds and exports must stay readable."""
        text = xml_text(super().clean_comment())
        if not text.strip():
            raise forms.ValidationError(self.fields["comment"].error_messages["required"])
        return text

    def make_token(self, issued=None):
        return make_token(self.target_object.pk, issued)

    def clean_token(self):
        try:
            post_pk, nonce, issued = _signer().unsign(self.cleaned_data["token"]).split(":")
            age = time.time() - int(issued)
        except (signing.BadSignature, ValueError) as error:
            raise forms.ValidationError(
                _("Error: The form could not be verified. Please reload the page.")
            ) from error
        if post_pk != str(self.target_object.pk):
            raise forms.ValidationError(_("Error: The form belongs to another post."))
        if age > TOKEN_MAX_AGE:
            raise forms.ValidationError(
                _("Error: This form has expired. Please reload the page and post again.")
            )
        if age < settings.INKWELL_COMMENT_MIN_SECONDS:
            raise forms.ValidationError(
                _("Error: That was too quick. Please wait a few seconds and post again.")
            )
        return nonce

    def clean_timestamp(self):
        """A timestamp no clock shows fails as a forged one does (django_comments subtracts it
        from time.time(), and a 309-digit one overflows the float)."""
        if abs(self.cleaned_data["timestamp"]) > 2**53:
            raise forms.ValidationError("Timestamp check failed")
        return super().clean_timestamp()

    def clean_reply_to(self):
        """0 for a new thread, else a comment's key: a number no key can be names none."""
        reply_to = self.cleaned_data["reply_to"]
        if parse_id(str(reply_to)) is None:
            raise forms.ValidationError(NO_PARENT)
        return reply_to

    def claim_token(self):
        """Mark the token used; False when it already was (a replayed submission)."""
        return cache.add(f"inkwell:comment-token:{self.cleaned_data['token']}", 1, TOKEN_MAX_AGE)

    def get_comment_model(self):
        return Comment

    def get_comment_create_data(self, site_id=None):
        data = super().get_comment_create_data(site_id=site_id)
        data.pop("content_object", None)
        return data

    def error_messages_in_order(self):
        """The form's errors as WordPress shows them: one line each, no repeats."""
        messages = []
        for field in ("comment", "name", "email", "url", "token", "reply_to", "honeypot"):
            messages.extend(m for m in self.errors.get(field, []) if m not in messages)
        for errors in self.errors.values():
            messages.extend(m for m in errors if m not in messages)
        return messages


def web_address(value):
    """`value` as the form keeps a commenter's website (http or https only), or "" when the
    form would refuse it: for comments that arrive by other ways, such as an import."""
    try:
        return CommentForm.base_fields["url"].clean(value)
    except forms.ValidationError:
        return ""
