"""The demo site `make run` shows."""

import pytest
from django.core.management import call_command

from blog.models import Media, Post
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_demo_content_is_idempotent_and_covers_every_discussion_setting(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_content")
    call_command("demo_content")
    assert Post.objects.posts().count() == 4
    assert Post.objects.pages().count() == 2
    assert client.get("/about/colophon/").status_code == 200
    combos = set(Post.objects.posts().values_list("comment_status", "ping_status"))
    assert combos == {
        ("open", "open"),
        ("open", "closed"),
        ("closed", "open"),
        ("closed", "closed"),
    }
    news = Post.objects.get(slug="harbour-library-runs-on-the-tide")
    assert Comment.objects.for_model(news).filter(level__gte=2).exists()
    picture = Media.objects.get()  # in the library once, however often the command runs
    assert set(picture.sizes) >= {"thumbnail", "medium", "medium_large"}
    assert (tmp_path / picture.file.name).exists()
    html = client.get(news.get_absolute_url()).content.decode()
    assert 'class="wp-caption-text">Image source:' in html
    assert f'class="wp-image-{picture.pk}' in html and "srcset=" in html
    assert "<blockquote>" in html and 'class="source"' in html
    assert client.get(picture.url).status_code == 200
