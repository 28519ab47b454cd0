"""The theme layer: WordPress's template hierarchy, the active theme first, then classic."""

import pytest

from blog.models import SiteOptions
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbour_theme(tmp_path, settings):
    theme = tmp_path / "themes" / "harbour"
    theme.mkdir(parents=True)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    options = SiteOptions.get()
    options.theme = "harbour"
    options.save()
    return theme


def test_active_theme_template_wins_and_missing_ones_fall_back_to_classic(client, harbour_theme):
    (harbour_theme / "single.html").write_text("harbour single: {{ post.display_title }}")
    post = PostFactory(title="Lighthouse log")
    assert client.get(post.get_absolute_url()).content.decode() == "harbour single: Lighthouse log"
    home = client.get("/").content.decode()
    assert 'id="sidebar"' in home and "Lighthouse log" in home  # classic's index.html


def test_slug_specific_template_comes_first_in_the_hierarchy(client, harbour_theme):
    (harbour_theme / "single.html").write_text("generic")
    (harbour_theme / "single-about-the-tides.html").write_text("special")
    special = PostFactory(title="About the tides", slug="about-the-tides")
    other = PostFactory(title="Something else")
    assert client.get(special.get_absolute_url()).content == b"special"
    assert client.get(other.get_absolute_url()).content == b"generic"
