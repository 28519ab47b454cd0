"""A large import commits in short batches yet stays all-or-nothing: comments keep their
threads (the fields django-comments-xtd itself would compute) and their WordPress IDs, a
re-import updates in place, a run that fails late leaves nothing behind, and its progress
(items done of total, rate, time left) reaches the terminal and the import page."""

import copy
import io
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import load_backend

from blog.models import Category, Media, OldSlug, Post, PostViews, Tag
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory
from wordpress import progress as progress_module
from wordpress.importer import Importer
from wordpress.models import ImportedRow
from wordpress.progress import Progress, count_items
from wordpress.wxr import WXRError

pytestmark = pytest.mark.django_db

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Batches</title><link>http://old.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>ada</wp:author_login><wp:author_email>a@example.com</wp:author_email>
</wp:author>
<wp:category><wp:category_nicename>notes</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>Notes</wp:cat_name></wp:category>
"""
TAIL = "</channel></rss>\n"


@dataclass
class Reply:
    wp_id: int
    parent: int = 0
    minute: int = 0
    text: str = ""


@dataclass
class Entry:
    wp_id: int
    comments: list = field(default_factory=list)
    title: str = ""


def comment_xml(reply):
    text = reply.text or f"Comment {reply.wp_id}."
    return (
        f"<wp:comment><wp:comment_id>{reply.wp_id}</wp:comment_id>"
        f"<wp:comment_author>Reader {reply.wp_id}</wp:comment_author>"
        f"<wp:comment_author_email>r{reply.wp_id}@example.com</wp:comment_author_email>"
        f"<wp:comment_date_gmt>2020-03-01 11:{reply.minute:02d}:00</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{reply.parent}</wp:comment_parent></wp:comment>"
    )


def item_xml(entry):
    n = entry.wp_id
    return (
        f"<item><title>{entry.title or f'Post {n}'}</title>"
        f"<link>http://old.example/post-{n}/</link>"
        f"<dc:creator>ada</dc:creator><content:encoded><![CDATA[<p>Body {n}</p>]]>"
        f"</content:encoded><wp:post_id>{n}</wp:post_id>"
        f"<wp:post_date>2020-03-01 10:00:00</wp:post_date><wp:post_name>post-{n}</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        f'<category domain="category" nicename="notes">Notes</category>'
        f'<category domain="post_tag" nicename="tag-{n}">Tag {n}</category>'
        f"<wp:postmeta><wp:meta_key>_wp_old_slug</wp:meta_key>"
        f"<wp:meta_value>before-{n}</wp:meta_value></wp:postmeta>"
        + "".join(comment_xml(reply) for reply in entry.comments)
        + "</item>\n"
    )


def attachment_xml(wp_id, parent):
    return (
        f"<item><title>picture {wp_id}</title><wp:post_id>{wp_id}</wp:post_id>"
        f"<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
        f"<wp:post_parent>{parent}</wp:post_parent>"
        f"<wp:attachment_url>https://old.example/wp-content/uploads/{wp_id}.jpg"
        f"</wp:attachment_url></item>\n"
    )


def export(entries, extra=""):
    return HEAD + "".join(item_xml(entry) for entry in entries) + extra + TAIL


def many_posts(count, per_post=5, first_comment=1):
    entries, comment_id = [], first_comment
    for n in range(1, count + 1):
        replies = []
        for c in range(per_post):
            parent = comment_id - 1 if c % 2 else 0
            replies.append(Reply(comment_id, parent, c))
            comment_id += 1
        entries.append(Entry(n, replies))
    return entries


def run(text, batch_items=2, batch_comments=1000, **options):
    importer = Importer(**options)
    importer.batch_items, importer.batch_comments = batch_items, batch_comments
    return importer.run(io.BytesIO(text.encode()))


def thread_shape(post, offset=0):
    """Each comment's (WordPress ID, parent's WordPress ID, thread root's WordPress ID, level,
    order, nested_count), in the order the page reads them."""
    rows = list(Comment.objects.for_model(post).order_by("thread_id", "order"))
    wp = {c.pk: c.wp_id - offset for c in rows}
    return [
        (wp[c.pk], wp[c.parent_id], wp[c.thread_id], c.level, c.order, c.nested_count) for c in rows
    ]


TREE = [
    Reply(11, 0, 1),
    Reply(12, 11, 5),
    Reply(13, 12, 6),
    Reply(14, 11, 2),  # earlier than 12: comes first among 11's replies
    Reply(15, 0, 0),  # the earliest root
    Reply(16, 14, 9),
    Reply(17, 13, 7),
    Reply(18, 0, 8),
]


def test_thread_fields_are_the_ones_django_comments_xtd_computes(db):
    UserFactory(username="admin", is_superuser=True)
    run(export([Entry(1, TREE)]))
    imported = thread_shape(Post.objects.get(wp_id=1))

    # The same conversation posted through django-comments-xtd's own save, in date order.
    post = PostFactory()
    made = {}
    for reply in sorted(TREE, key=lambda r: r.minute):
        parent = made[reply.parent].pk if reply.parent else 0
        made[reply.wp_id] = CommentFactory(content_object=post, parent_id=parent)
        Comment.objects.filter(pk=made[reply.wp_id].pk).update(wp_id=reply.wp_id + 1000)
    assert imported == thread_shape(post, offset=1000)
    assert [row[0] for row in imported] == [15, 11, 14, 16, 12, 13, 17, 18]


def test_replies_in_a_loop_or_to_a_missing_parent_become_top_level(db):
    UserFactory(username="admin", is_superuser=True)
    summary = run(export([Entry(1, [Reply(21, 22, 1), Reply(22, 21, 2), Reply(23, 99, 3)])]))
    shape = thread_shape(Post.objects.get(wp_id=1))
    assert len(shape) == 3
    assert (21, 21, 21, 0, 1, 1) in shape and (22, 21, 21, 1, 2, 0) in shape
    assert (23, 23, 23, 0, 1, 0) in shape
    notes = "\n".join(summary.skipped)
    assert "form a loop" in notes and "parent 99 is missing" in notes


def test_comments_spanning_batches_keep_ids_and_a_reimport_updates_them_in_place(db, client):
    UserFactory(username="admin", is_superuser=True)
    entries = many_posts(7, per_post=4)
    first = run(export(entries), batch_items=2, batch_comments=3)
    assert first.counts["comments"]["created"] == 28
    pks = dict(Comment.objects.values_list("wp_id", "pk"))
    posts = dict(Post.objects.values_list("wp_id", "pk"))
    assert sorted(pks) == list(range(1, 29))

    entries[3].comments[1].text = "Edited since the first import."
    again = run(export(entries), batch_items=3)
    assert again.counts["comments"].get("created", 0) == 0
    assert again.counts["comments"]["updated"] == 28
    assert dict(Comment.objects.values_list("wp_id", "pk")) == pks
    assert dict(Post.objects.values_list("wp_id", "pk")) == posts
    edited = Comment.objects.get(wp_id=entries[3].comments[1].wp_id)
    assert edited.comment == "Edited since the first import."
    assert edited.parent_id == pks[entries[3].comments[0].wp_id] and edited.level == 1
    assert client.get("/?p=4").status_code == 301
    assert not ImportedRow.objects.exists()  # the ledger is cleared once a run succeeds


def broken_late(entries):
    """A valid start (several batches' worth), attachments, then an item cut short."""
    extra = attachment_xml(900, 1) + attachment_xml(901, 2)
    return export(entries, extra).replace(TAIL, "") + "<item><title>Broken</title><wp:post_id>"


def test_a_failure_late_in_the_file_leaves_nothing_behind(db, tmp_path):
    UserFactory(username="admin", is_superuser=True)
    path = tmp_path / "export.xml"
    path.write_text(broken_late(many_posts(9)))
    with pytest.raises(CommandError, match="not well-formed"):
        call_command("import_wxr", str(path))
    assert not Post.objects.exists() and not Comment.objects.exists()
    assert not Category.objects.exists() and not Tag.objects.exists()
    assert not Media.objects.exists() and not OldSlug.objects.exists()
    assert not get_user_model().objects.filter(username="ada").exists()
    assert not ImportedRow.objects.exists()


def test_batches_are_committed_as_they_go_and_undone_on_failure(db, monkeypatch):
    """The rows of earlier batches are written (and listed) before the failure; then gone."""
    UserFactory(username="admin", is_superuser=True)
    seen = []

    def progress(state):
        seen.append((state.done, Post.objects.count(), ImportedRow.objects.count()))

    with pytest.raises(WXRError, match="not well-formed"):
        run(broken_late(many_posts(9)), batch_items=2, progress=progress)
    assert [done for done, _, _ in seen] == [2, 4, 6, 8, 10]
    assert seen[-1][1] == 9 and seen[-1][2] > 9 + 45
    assert not Post.objects.exists() and not Comment.objects.exists()


def impatient_connection():
    """A second connection to the same database that gives up on a lock after 0.1 s."""
    config = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "postgresql":
        # psycopg itself: Django's wrapper would look its alias up among the configured ones.
        import psycopg

        other = psycopg.connect(
            dbname=config["NAME"],
            user=config["USER"],
            host=config["HOST"],
            port=config["PORT"] or None,
            autocommit=True,
        )
        other.execute("SET lock_timeout = '100ms'")
        return other
    config["OPTIONS"]["timeout"] = 0.1
    return load_backend(config["ENGINE"]).DatabaseWrapper(config, "impatient")


@pytest.mark.django_db(transaction=True)
def test_a_reader_can_count_a_view_between_batches():
    """The import holds no lock between batches: a reader's view-count write goes through at
    once (a single long transaction made it fail with "database is locked")."""
    UserFactory(username="admin", is_superuser=True)
    read = PostFactory()
    other, counted = impatient_connection(), []

    def progress(state):
        with other.cursor() as cursor:
            cursor.execute(
                "UPDATE blog_postviews SET count = count + 1 WHERE post_id = %s", [read.pk]
            )
        counted.append(state.done)

    try:
        run(export(many_posts(6)), batch_items=2, progress=progress)
    finally:
        other.close()
    assert counted == [2, 4, 6]
    assert PostViews.objects.get(post=read).count == 3
    assert Post.objects.filter(wp_id__isnull=False).count() == 6


def test_a_failed_reimport_removes_only_what_it_created(db):
    UserFactory(username="admin", is_superuser=True)
    run(export(many_posts(3)))
    kept = {
        "posts": set(Post.objects.values_list("pk", flat=True)),
        "comments": set(Comment.objects.values_list("pk", flat=True)),
        "terms": (Category.objects.count(), Tag.objects.count()),
    }
    more = many_posts(6)
    with pytest.raises(WXRError, match="not well-formed"):
        run(broken_late(more), batch_items=2)
    assert set(Post.objects.values_list("pk", flat=True)) == kept["posts"]
    assert set(Comment.objects.values_list("pk", flat=True)) == kept["comments"]
    assert (Category.objects.count(), Tag.objects.count()) == kept["terms"]
    assert list(OldSlug.objects.order_by("slug").values_list("slug", flat=True)) == [
        "before-1",
        "before-2",
        "before-3",
    ]
    assert get_user_model().objects.filter(username="ada").exists()  # from the first run


def test_a_dry_run_writes_nothing_even_across_batches(db):
    UserFactory(username="admin", is_superuser=True)
    summary = run(export(many_posts(5)), batch_items=2, dry_run=True)
    assert summary.counts["posts"]["created"] == 5
    assert not Post.objects.exists() and not Comment.objects.exists()
    assert not ImportedRow.objects.exists()


def test_writing_comments_costs_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    """A post's hundred comments are written in bulk, not a few queries each."""
    UserFactory(username="admin", is_superuser=True)
    entry = Entry(1, [Reply(n, n - 1 if n % 4 else 0, n % 60) for n in range(1, 101)])
    with django_assert_max_num_queries(60):
        run(export([entry]))
    assert Comment.objects.count() == 100


def test_items_are_counted_first_even_across_read_chunks(monkeypatch):
    text = export(many_posts(12, per_post=0)).encode()
    monkeypatch.setattr(progress_module, "CHUNK", 7)  # tags cut at every possible place
    source = io.BytesIO(text)
    source.seek(3)
    assert count_items(source) == 12
    assert source.tell() == 3  # left where it was for the reader


def test_progress_gives_the_rate_and_the_time_left():
    state = Progress(done=300, total=1200, elapsed=10)
    assert state.rate == 30 and state.remaining == 30
    assert state.text() == "300 of 1,200 items · 30 items/s · about 30 s left"
    assert state.bar(width=8) == "[##------]  25%  300/1,200 items  30/s  0:30 left"
    assert Progress(done=1200, total=1200, elapsed=40).text() == "1,200 of 1,200 items · 30 items/s"
    assert Progress().text() == "0 items"


def test_the_command_draws_a_progress_bar(db, tmp_path):
    UserFactory(username="admin", is_superuser=True)
    path = tmp_path / "export.xml"
    path.write_text(export(many_posts(3)))
    out = io.StringIO()
    call_command("import_wxr", str(path), verbosity=2, stdout=out)
    text = out.getvalue()
    assert "[" + "#" * 30 + "] 100%  3/3 items" in text
    assert "posts" in text and "comments" in text


def test_imported_posts_are_found_by_search_and_a_failed_run_leaves_no_match(db, client):
    UserFactory(username="admin", is_superuser=True)
    run(export(many_posts(3)), batch_items=2)
    page = client.get("/?s=Body").content.decode()
    assert all(f"Post {n}" in page for n in (1, 2, 3))
    with pytest.raises(WXRError):
        run(broken_late(many_posts(6)), batch_items=2)
    page = client.get("/?s=Body").content.decode()
    assert "Post 3" in page and "Post 4" not in page
