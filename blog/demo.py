"""The demo site `make run` shows: our own words, our own picture, every discussion setting."""

import datetime

import django_comments
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from . import media
from .models import Category, Discussion, Media, Post, SiteOptions, Status, Tag

NEWS_BODY = """<p>The town of Wrenmouth opened its new public library on Saturday, and for the
first time the lights, the lifts and the heating of a public building on this coast run on the
tide. Two small turbines sit in the old mill race under the reading room and turn twice a day
as the estuary fills and empties.</p>

[caption id="attachment_{image_id}" align="aligncenter" width="960"]<img
class="wp-image-{image_id} size-full aligncenter" src="{image}" alt="The new
library on the harbour wall at dusk, its windows lit, with the estuary in front" width="960"
height="540"> Image source: Inkwell demo illustration[/caption]

<p>The building replaces a reading room that flooded three winters in a row. Instead of moving
inland, the town council chose to stay on the harbour wall and put the water to work.</p>

<blockquote><p>&#8220;We kept the books where people walk past them every day. The sea used to
be the problem with this building; now it pays the electricity bill.&#8221;</p>
<cite>Council spokesperson, quoted by the Coastal Wire Service</cite></blockquote>

<p>Engineers say the turbines produce about a third more power than the library needs across a
year. The surplus charges the town's two electric buses overnight.</p>

<blockquote><p>&#8220;Tidal flow is the most predictable renewable there is. We know the output
for every hour of the next ten years.&#8221;</p>
<cite>Project engineer, to the Coastal Wire Service</cite></blockquote>

<p>Borrowers get a tide table with every loan: the due date is printed next to the hour of high
water.</p>"""

POSTS = [
    {
        "slug": "harbour-library-runs-on-the-tide",
        "title": "Harbour library becomes the first public building on the coast "
        "to run on the tide",
        "excerpt": "Wrenmouth's new library draws its power from two turbines "
        "in the old mill race.",
        "body": NEWS_BODY,
        "source_name": "Coastal Wire Service",
        "source_url": "https://example.com/coastal-wire/harbour-library-tide",
        "comment_status": Discussion.OPEN,
        "ping_status": Discussion.CLOSED,
        "categories": ["News", "Energy"],
        "tags": ["libraries", "tidal power"],
        "days_ago": 1,
        "views": 1287,
        "comments": [
            (
                "Mara Quill",
                "mara@example.com",
                "https://example.org/mara",
                "I borrowed a book there on opening day. The tide-table slip is a lovely touch.",
                [
                    (
                        "Tom Fairlie",
                        "tom@example.com",
                        "",
                        "Same here! Mine is due at 06:12, high water. Early start.",
                        [
                            (
                                "Mara Quill",
                                "mara@example.com",
                                "https://example.org/mara",
                                "Ha, you can return it at the evening tide, I asked.",
                                [],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Dev Okafor",
                "dev@example.com",
                "",
                "Does anyone know what happens during the slack water between tides? "
                "Is there a battery?",
                [
                    (
                        "Lena Brandt",
                        "lena@example.com",
                        "",
                        "There is a small battery room in the basement, it covers the slack hours.",
                        [],
                    ),
                ],
            ),
            (
                "Ruth Penhale",
                "ruth@example.com",
                "",
                "Good to see the old reading room saved rather than moved inland.",
                [],
            ),
        ],
    },
    {
        "slug": "open-for-everything",
        "title": "Comments and pings are both open on this post",
        "body": "<p>Leave a response below, or link to this post from your own blog: both "
        "comments and pingbacks are welcome here.</p>",
        "comment_status": Discussion.OPEN,
        "ping_status": Discussion.OPEN,
        "categories": ["Site notes"],
        "tags": ["discussion"],
        "days_ago": 3,
        "views": 42,
        "is_sticky": True,
        "comments": [("Inès Varga", "ines@example.com", "", "First! Glad this one is open.", [])],
    },
    {
        "slug": "trackbacks-only",
        "title": "Responses are closed here, but trackbacks still arrive",
        "body": "<p>This post takes no comments; other sites can still tell it that they "
        "linked here.</p>",
        "comment_status": Discussion.CLOSED,
        "ping_status": Discussion.OPEN,
        "categories": ["Site notes"],
        "tags": ["discussion"],
        "days_ago": 5,
        "views": 17,
        "comments": [],
    },
    {
        "slug": "quiet-post",
        "title": "A quiet post: comments and pings both closed",
        "body": "<p>Some posts are announcements and nothing more. This is one of them.</p>",
        "comment_status": Discussion.CLOSED,
        "ping_status": Discussion.CLOSED,
        "categories": ["Site notes"],
        "tags": [],
        "days_ago": 8,
        "views": 5,
        "comments": [],
    },
]


IMAGE_TITLE = "Harbour library at dusk"


def make_image(author):
    """Draw the demo picture once, into the media library (every WordPress size made): a
    harbour at dusk, so no third-party image is shipped."""
    existing = Media.objects.filter(title=IMAGE_TITLE).first()
    if existing is not None:
        return existing
    width, height = 960, 540
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        sky = (int(40 + 180 * t), int(60 + 90 * t), int(120 + 40 * t))
        draw.line([(0, y), (width, y)], fill=sky)
    draw.rectangle([0, 380, width, height], fill=(28, 58, 92))
    for x in range(0, width, 24):
        wave = (x % 48) // 4
        draw.arc([x, 390 + wave, x + 40, 410 + wave], 200, 340, fill=(90, 130, 170))
    draw.rectangle([260, 230, 700, 390], fill=(60, 52, 48))
    draw.polygon([(240, 235), (480, 150), (720, 235)], fill=(88, 70, 60))
    for column in range(6):
        x = 290 + column * 68
        draw.rectangle([x, 270, x + 38, 330], fill=(250, 214, 120))
    draw.ellipse([780, 70, 850, 140], fill=(255, 236, 190))
    item = Media(
        title=IMAGE_TITLE,
        alt_text="The new library on the harbour wall at dusk, its windows lit",
        caption="Image source: Inkwell demo illustration",
        uploaded_by=author,
    )
    upload = _jpeg(image)
    upload.name = "harbour-library.jpg"
    media.store(item, upload)
    item.save()
    return item


def _jpeg(image):
    from io import BytesIO

    from django.core.files.base import ContentFile

    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue())


@transaction.atomic
def create_demo_content(stdout=None):
    """Create what is missing; running again changes nothing."""
    SiteOptions.get()
    author, _ = get_user_model().objects.get_or_create(
        username="editor",
        defaults={"first_name": "Ada", "last_name": "Marsh", "email": "editor@example.com"},
    )
    if not author.has_usable_password():
        author.set_unusable_password()
        author.save()
    image = make_image(author)
    created = 0
    for spec in POSTS:
        if Post.objects.posts().filter(slug=spec["slug"]).exists():
            continue
        published_at = timezone.now() - datetime.timedelta(days=spec["days_ago"], hours=3)
        post = Post.objects.create(
            title=spec["title"],
            slug=spec["slug"],
            body=spec["body"].format(image=image.url, image_id=image.pk),
            excerpt=spec.get("excerpt", ""),
            author=author,
            status=Status.PUBLISH,
            published_at=published_at,
            comment_status=spec["comment_status"],
            ping_status=spec["ping_status"],
            is_sticky=spec.get("is_sticky", False),
            source_name=spec.get("source_name", ""),
            source_url=spec.get("source_url", ""),
        )
        post.categories.set(
            Category.objects.get_or_create(slug=_slug(name), defaults={"name": name})[0]
            for name in spec["categories"]
        )
        post.tags.set(
            Tag.objects.get_or_create(slug=_slug(name), defaults={"name": name})[0]
            for name in spec["tags"]
        )
        post.view_count.count = spec["views"]
        post.view_count.save()
        _add_comments(post, spec["comments"], published_at)
        created += 1
    created += _create_pages(author)
    if stdout:
        stdout.write(f"Demo content: {created} posts and pages created (none when already there).")
    return created


PAGES = [
    (
        "about",
        "About this blog",
        None,
        "<p>This is a demonstration of Inkwell, a blog engine that keeps WordPress's habits: the "
        "same URLs, the same discussion rules, the same places for everything.</p>",
    ),
    (
        "colophon",
        "Colophon",
        "about",
        "<p>Set in Georgia and the system sans-serif. The harbour picture is drawn by the demo "
        "script itself, so nothing here belongs to anyone else.</p>",
    ),
]


def _create_pages(author):
    created = 0
    for slug, title, parent_slug, body in PAGES:
        if Post.objects.pages().filter(slug=slug).exists():
            continue
        parent = Post.objects.pages().filter(slug=parent_slug).first() if parent_slug else None
        Post.objects.create(
            post_type="page",
            title=title,
            slug=slug,
            body=body,
            author=author,
            parent=parent,
            status=Status.PUBLISH,
            published_at=timezone.now() - datetime.timedelta(days=10),
            comment_status=Discussion.CLOSED,
            ping_status=Discussion.CLOSED,
        )
        created += 1
    return created


def _slug(name):
    return name.lower().replace(" ", "-")


def _add_comments(post, comments, after, parent=None):
    Comment = django_comments.get_model()
    for n, (name, email, url, text, replies) in enumerate(comments):
        comment = Comment.objects.create(
            content_object=post,
            site_id=settings.SITE_ID,
            user_name=name,
            user_email=email,
            user_url=url,
            comment=text,
            submit_date=after + datetime.timedelta(hours=n + 1),
            parent_id=parent.pk if parent else 0,
            is_public=True,
            ip_address="127.0.0.1",
        )
        _add_comments(post, replies, comment.submit_date, parent=comment)
