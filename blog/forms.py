"""The editor's forms: writing an entry (post or page) with the rules of the writer's role."""

import re
from urllib.parse import urlsplit

import nh3
from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy
from django_prose_editor.widgets import AdminProseEditorWidget

from .content import mark_library_images
from .models import Post, Status, Tag

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": True,
    "Image": True,
    "Figure": True,
    "Caption": True,
    "HardBreak": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "HTML": True,
}
# Markup the visual editor cannot keep: shortcodes, block-editor comments, more/nextpage tags,
# embedded media. Such entries are edited as HTML instead, losing nothing.
VISUAL_UNSAFE_RE = re.compile(
    r"\[/?\w+[^\]]*\]|<!--|<(iframe|video|audio|script|style|div)\b", re.IGNORECASE
)

POST_TAGS = {
    "a",
    "abbr",
    "audio",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "video",
}
POST_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "target", "name"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "poster", "width", "height"},
    "source": {"src", "type"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
}


def sanitize_post_html(html):
    """What a writer without "unfiltered HTML" may save: no scripts, handlers or styles.
    HTML comments stay: <!--more--> and <!--nextpage--> are WordPress's markup."""
    return nh3.clean(
        html,
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        strip_comments=False,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


class EntryForm(forms.ModelForm):
    new_tags = forms.CharField(
        required=False,
        label=gettext_lazy("Add new tags"),
        help_text=gettext_lazy("Separate tags with commas; new ones are created."),
    )

    class Meta:
        model = Post
        fields = [
            "title",
            "slug",
            "body",
            "excerpt",
            "status",
            "published_at",
            "author",
            "password",
            "is_sticky",
            "categories",
            "tags",
            "featured_image",
            "source_name",
            "source_url",
            "comment_status",
            "ping_status",
            "parent",
            "menu_order",
        ]

    user = None  # set by the admin for the request's user

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            body = self.initial.get("body") or ""
            if VISUAL_UNSAFE_RE.search(body):
                self.fields["body"].widget = forms.Textarea(attrs={"rows": 24, "cols": 100})
                self.fields["body"].help_text = gettext(
                    "Edited as HTML: this entry holds markup the visual editor would drop "
                    "(WordPress shortcodes, blocks, <!--more--> or <!--nextpage--> tags)."
                )
            else:
                self.fields["body"].widget = AdminProseEditorWidget(
                    config={"extensions": EDITOR_EXTENSIONS}, preset="configurable"
                )
        if "is_sticky" in self.fields and not self._may_publish():
            self.fields["is_sticky"].disabled = True  # only those who publish stick posts
        if "status" in self.fields and not self._may_publish():
            allowed = {Status.DRAFT, Status.PENDING}
            if self.instance.pk:
                allowed.add(self.instance.status)
            self.fields["status"].choices = [
                (value, label) for value, label in Status.choices if value in allowed
            ]

    def _may_publish(self):
        return self.user is not None and self.user.has_perm("blog.publish_posts")

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        if self.user is None or not self.user.has_perm("blog.unfiltered_html"):
            body = sanitize_post_html(body)
        return mark_library_images(body)

    def clean_source_url(self):
        """Web addresses only: the link is shown to every reader."""
        url = self.cleaned_data.get("source_url", "")
        if url and urlsplit(url).scheme.lower() not in ("http", "https"):
            raise forms.ValidationError("Enter a web address (http:// or https://).")
        return url

    def clean_status(self):
        status = self.cleaned_data["status"]
        publishing = status in (Status.PUBLISH, Status.FUTURE, Status.PRIVATE)
        unchanged = self.instance.pk and status == self.instance.status
        if publishing and not unchanged and not self._may_publish():
            raise forms.ValidationError(
                gettext("You may save drafts and submit them for review; an editor publishes them.")
            )
        return status

    def save_tags(self, entry):
        for name in (n.strip() for n in self.cleaned_data.get("new_tags", "").split(",")):
            if name:
                slug = slugify(name, allow_unicode=True)[:200] or name[:200]
                tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:200]})
                entry.tags.add(tag)
