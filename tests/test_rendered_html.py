"""The post page renders from HTML kept since the last change (each comment's text, the
thread, the form, the sidebar), and every change a reader could see shows on the next load."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog import fill
from blog.models import SiteOptions
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, comment_form_data, site_options

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rendered_each_time(settings):
    """These tests look at rendering; tests/test_page_cache.py looks at the page cache."""
    settings.INKWELL_PAGE_CACHE = False


READER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def page(client, post, **query):
    response = client.get(post.get_absolute_url(), query, headers=READER)
    assert response.status_code == 200
    return response.content.decode()


def threaded(post, total):
    """`total` approved comments, each third one starting a thread, replies three deep."""
    chain = []
    for n in range(total):
        parent = chain[-1] if n % 3 else None
        comment = CommentFactory(
            content_object=post, parent_id=parent.pk if parent else 0, comment=f"Words {n}."
        )
        chain = [comment] if parent is None else [*chain, comment]
    return chain


def test_post_page_needs_at_most_8_queries_whatever_the_number_of_comments(
    client, django_assert_max_num_queries
):
    first_load_queries = []
    page(client, PostFactory())  # the site's settings row and its cache exist already
    for total in (50, 500):
        post = PostFactory()
        threaded(post, total)
        with CaptureQueriesContext(connection) as first_load:  # right after the last comment
            first = page(client, post)
        # the batched writes of counted views fall on any load: not part of the page
        first_load_queries.append(
            len([q for q in first_load.captured_queries if "blog_postview" not in q["sql"]])
        )
        with django_assert_max_num_queries(8):
            again = page(client, post)
        assert f"{total} Responses" in first and f"{total} Responses" in again
        assert again.count('class="comment depth-') == total
    assert first_load_queries[0] == first_load_queries[1]


def test_nested_replies_keep_their_lists_balanced(client):
    post = PostFactory()
    root = CommentFactory(content_object=post, comment="Root.")
    reply = CommentFactory(content_object=post, parent_id=root.pk, comment="Reply.")
    CommentFactory(content_object=post, parent_id=reply.pk, comment="Deeper.")
    CommentFactory(content_object=post, comment="Second root.")
    html = page(client, post)
    thread = html[html.index('<ol class="commentlist">') : html.index("</ol>\n  \n")]
    assert thread.count("<ol") == thread.count("</ol>") + 1
    assert thread.count("<li") == thread.count("</li>") == 4
    assert re.search(r'depth-3"[^>]*>.*Deeper\.', thread, re.DOTALL)
    assert thread.index("Deeper.") < thread.index("Second root.")


def test_comment_text_is_stored_sanitised_and_shown_as_stored(client):
    post = PostFactory()
    comment = CommentFactory(
        content_object=post, comment="Hello <script>alert(1)</script>\n\nhttps://example.com/x"
    )
    comment.refresh_from_db()
    assert "<script" not in comment.comment_html
    assert comment.comment_html.startswith("<p>Hello")
    assert '<a href="https://example.com/x" rel="nofollow ugc">' in comment.comment_html
    assert comment.comment_html in page(client, post)


def test_comment_approved_shows_at_once(client):
    post = PostFactory()
    held = CommentFactory(content_object=post, state="pending", comment="Waiting for a nod.")
    assert "Waiting for a nod." not in page(client, post)
    held.state = "approved"
    held.save()
    assert "Waiting for a nod." in page(client, post)
    assert "One Response" in page(client, post)


def test_comment_edited_shows_at_once(client, admin_client):
    post = PostFactory()
    comment = CommentFactory(content_object=post, comment="Frist!")
    assert "Frist!" in page(client, post)
    comment.comment = "First, and corrected."
    comment.save()
    html = page(client, post)
    assert "First, and corrected." in html and "Frist!" not in html


def test_comment_trashed_disappears_at_once(client):
    post = PostFactory()
    comment = CommentFactory(content_object=post, comment="Buy cheap watches.")
    assert "Buy cheap watches." in page(client, post)
    comment.state = "trash"
    comment.save(update_fields=["state", "is_public", "is_removed"])
    html = page(client, post)
    assert "Buy cheap watches." not in html and "No Responses" in html


def test_reply_shows_at_once_under_its_parent(client, settings):
    settings.INKWELL_COMMENT_MIN_SECONDS = 0
    site_options(comment_previously_approved=False)
    post = PostFactory()
    parent = CommentFactory(content_object=post, comment="What about tides?")
    assert "Twice a day." not in page(client, post)
    data = comment_form_data(post, comment="Twice a day.", reply_to=str(parent.pk))
    assert client.post("/comments/post/", data).status_code == 302
    html = page(client, post)
    assert re.search(
        r'<ol class="children">\s*<li class="comment depth-2[^>]*>.*Twice a day\.', html, re.DOTALL
    )


def test_post_edited_shows_at_once(client):
    post = PostFactory(title="Old title")
    CommentFactory(content_object=post)
    assert "to &#8220;Old title&#8221;" in page(client, post)
    post.title = "New title"
    post.body = "<p>Rewritten body.</p>"
    post.save()
    html = page(client, post)
    assert "to &#8220;New title&#8221;" in html and "Rewritten body." in html
    post.comment_status = "closed"
    post.save()
    html = page(client, post)
    assert "Comments are closed." in html and 'id="commentform"' not in html
    assert 'class="comment-reply-link"' not in html


def test_date_format_change_shows_at_once(client):
    post = PostFactory()
    comment = CommentFactory(content_object=post)
    assert f"{comment.submit_date:%B} " in page(client, post)
    site_options(date_format="Y-m-d", time_format="H:i")
    assert f"{comment.submit_date:%Y-%m-%d} at {comment.submit_date:%H:%M}" in page(client, post)


def test_thread_depth_change_shows_at_once(client):
    post = PostFactory()
    root = CommentFactory(content_object=post)
    reply = CommentFactory(content_object=post, parent_id=root.pk)
    html = page(client, post)
    assert f'data-commentid="{reply.pk}"' in html and "depth-2" in html
    site_options(thread_comments_depth=2)
    html = page(client, post)
    assert f'data-commentid="{root.pk}"' in html and f'data-commentid="{reply.pk}"' not in html
    site_options(thread_comments=False)
    html = page(client, post)
    assert "depth-2" not in html and 'class="comment-reply-link"' not in html


def test_avatar_setting_shows_at_once(client):
    post = PostFactory()
    CommentFactory(content_object=post)
    assert "gravatar.com" not in page(client, post)
    site_options(show_avatars=True)
    assert "gravatar.com/avatar/" in page(client, post)


def test_theme_switch_shows_at_once(client, tmp_path, settings):
    theme = tmp_path / "themes" / "harbour" / "partials"
    theme.mkdir(parents=True)
    (theme.parent / "sidebar.html").write_text('<aside id="sidebar">Harbour sidebar</aside>')
    (theme / "comment-form.html").write_text("<p>Harbour reply form</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    post = PostFactory()
    html = page(client, post)
    assert "Harbour" not in html and 'id="commentform"' in html
    site_options(theme="harbour")
    html = page(client, post)
    assert "Harbour sidebar" in html and "Harbour reply form" in html
    site_options(theme="classic")
    assert "Harbour" not in page(client, post)


def test_held_comment_is_shown_to_its_author_while_others_get_the_kept_thread(client):
    from comments.tree import held_comment_hash

    post = PostFactory()
    CommentFactory(content_object=post, comment="Approved words.")
    assert "Approved words." in page(client, post)
    held = CommentFactory(content_object=post, state="pending", comment="Held words.")
    mine = page(client, post, unapproved=held.pk, **{"moderation-hash": held_comment_hash(held)})
    assert "Held words." in mine and "awaiting moderation" in mine
    others = page(client, post)
    assert "Approved words." in others and "Held words." not in others


def test_each_response_gets_new_form_tokens_and_a_kept_form_posts(client, settings):
    settings.INKWELL_COMMENT_MIN_SECONDS = 0
    site_options(comment_previously_approved=False)
    post = PostFactory()
    reader = Client(enforce_csrf_checks=True)
    first, second = page(reader, post), page(reader, post)

    def hidden(html):
        return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))

    assert hidden(first)["token"] != hidden(second)["token"]
    data = {**hidden(second), "name": "Juno", "email": "juno@example.com", "url": ""}
    data.update(comment="Posted from a kept form.", reply_to="0", followup="")
    response = reader.post("/comments/post/", data)
    assert response.status_code == 302, response.content.decode()
    assert Comment.objects.get().comment == "Posted from a kept form."
    data.update(comment="Different words.", email="other@example.com", name="Other")
    replayed = reader.post("/comments/post/", data, REMOTE_ADDR="198.51.100.9")
    assert "already submitted" in replayed.content.decode()


def test_signed_in_and_remembered_readers_see_their_own_form(client, admin_user):
    post = PostFactory()
    assert 'name="name"' in page(client, post)
    client.force_login(admin_user)
    html = page(client, post)
    assert "Logged in as" in html and 'name="name"' not in html
    client.logout()
    assert "Logged in as" not in page(client, post)


def test_settings_memo_is_not_stale_for_the_thread(client):
    post = PostFactory()
    CommentFactory(content_object=post)
    page(client, post)
    options = SiteOptions.get()
    options.comment_order = "desc"
    options.save()
    CommentFactory(content_object=post, comment="Newest words.")
    html = page(client, post)
    assert html.index("Newest words.") < html.index("A thoughtful response.")


def test_body_is_kept_until_the_post_or_its_media_change(client):
    from blog.models import Media

    image = Media.objects.create(
        remote_url="https://example.com/tide.jpg", mime_type="image/jpeg", wp_id=7, caption="Low"
    )
    post = PostFactory(body='[gallery ids="7"]\n\nOpening words.')
    html = page(client, post)
    assert "Opening words." in html and ">Low</figcaption>" in html
    image.caption = "High tide"
    image.save()
    assert ">High tide</figcaption>" in page(client, post)
    post.body = "Closing words."
    post.save()
    html = page(client, post)
    assert "Closing words." in html and "Opening words." not in html


def test_a_post_read_again_costs_no_query_for_the_post_until_it_changes(client):
    post = PostFactory(title="Kept title")
    page(client, post)
    with CaptureQueriesContext(connection) as again:
        assert "Kept title" in page(client, post)
    assert not [q for q in again.captured_queries if 'FROM "blog_post"' in q["sql"]]
    post.title = "Changed title"
    post.save()
    assert "Changed title" in page(client, post)


def test_kept_fragments_follow_what_the_reader_may_do(client, admin_user):
    post = PostFactory()
    assert "Edit this entry" not in page(client, post)
    client.force_login(admin_user)
    assert "Edit this entry" in page(client, post)
    client.logout()
    assert "Edit this entry" not in page(client, post)


def test_a_protected_post_is_kept_neither_unlocked_nor_with_a_readers_token(client):
    post = PostFactory(password="tide", body="<p>Behind the password.</p>")
    reader = Client(enforce_csrf_checks=True)
    first, second = page(reader, post), page(reader, post)
    assert "Behind the password." not in first and 'name="post_password"' in first

    def token(html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    assert token(first) != token(second)  # rendered for each load, never a kept token
    unlock = {"post_password": "tide", "next": post.get_absolute_url()}
    reader.post(reverse("blog:post-password"), {**unlock, "csrfmiddlewaretoken": token(second)})
    assert "Behind the password." in page(reader, post)
    assert "Behind the password." not in page(Client(), post)


def test_kept_fragments_carry_each_responses_own_script_nonce(client):
    post = PostFactory()
    nonces = []
    for _ in range(2):
        response = client.get(post.get_absolute_url(), headers=READER)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        html = response.content.decode()
        assert f'<script type="application/ld+json" nonce="{nonce}">' in html
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_kept_discussion_is_put_in_whole_for_every_reader(client, admin_user, settings):
    settings.INKWELL_PAGE_CACHE = True  # the page kept for other readers holds it too
    post = PostFactory()
    CommentFactory(content_object=post, comment="First of the thread.")
    CommentFactory(content_object=post, comment="Second of the thread.")
    editor = Client()
    editor.force_login(admin_user)
    markers = fill.marker("").split(".")[0]
    served = []
    for reader in (client, client, editor, editor):
        response = reader.get(post.get_absolute_url(), headers=READER)
        served.append(response.get("X-Inkwell-Cache"))
        html = response.content.decode()
        assert html.count("First of the thread.") == 1 and "Second of the thread." in html
        assert html.index("First of the thread.") < html.index('id="respond"')
        assert markers not in html
    assert served == ["miss", "hit", None, None]


def test_only_the_kept_fragments_are_spliced_and_other_markers_stay():
    thread = b"<ol>a thread</ol>"
    content = f"<p>{fill.marker('views')}</p>{fill.marker('kept', 0)}<p>end</p>".encode()
    assert fill.splice(content, [thread]) == (
        f"<p>{fill.marker('views')}</p><ol>a thread</ol><p>end</p>".encode()
    )
    assert fill.splice(content, []) == content


def test_kept_fragments_follow_the_host_the_reader_asked(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "blog.example.org"]
    post = PostFactory()
    assert '<link rel="canonical" href="http://testserver/' in page(client, post)
    other = client.get(post.get_absolute_url(), headers=READER, HTTP_HOST="blog.example.org")
    assert '<link rel="canonical" href="http://blog.example.org/' in other.content.decode()


def test_author_name_change_shows_at_once(client):
    post = PostFactory()
    page(client, post)
    post.author.first_name, post.author.last_name = "Marin", "Vale"
    post.author.save()
    assert "Marin Vale" in page(client, post)


def test_a_post_taken_back_to_draft_is_gone_for_readers_at_once(client):
    post = PostFactory()
    page(client, post)
    post.status = "draft"
    post.save()
    assert client.get(post.get_absolute_url(), headers=READER).status_code == 404
