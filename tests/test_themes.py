"""The theme layer: WordPress's template hierarchy, the active theme first, then classic."""

import pytest
from django.template import engines

from blog import themes
from blog.models import SiteOptions
from tests.admin_forms import admin_form
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


def use_theme(name):
    options = SiteOptions.get()
    options.theme = name
    options.save()


@pytest.fixture
def two_pages_of_posts():
    options = SiteOptions.get()
    options.posts_per_page = 2
    options.save()
    return [PostFactory(title=f"Tide table {n}") for n in range(3)]


TWILIGHT_CSS = "/static/themes/twilight/style.css"
CLASSIC_CSS = "/static/themes/classic/style.css"


def test_twilight_is_offered_and_chosen_in_settings(admin_client, client):
    url = "/admin/blog/siteoptions/1/change/"
    form = admin_client.get(url).content.decode()
    assert '<option value="twilight">Twilight</option>' in form
    data = admin_form(admin_client, url, "siteoptions_form", theme="twilight")
    assert admin_client.post(url, data).status_code == 302
    assert SiteOptions.get().theme == "twilight"
    assert TWILIGHT_CSS in client.get("/").content.decode()
    data["theme"] = "../../etc"
    assert "Select a valid choice" in admin_client.post(url, data).content.decode()
    assert SiteOptions.get().theme == "twilight"


def test_twilight_overrides_base_pagination_and_stylesheet_the_rest_is_classic(
    client, two_pages_of_posts
):
    use_theme("twilight")
    home = client.get("/").content.decode()
    assert 'class="masthead"' in home and TWILIGHT_CSS in home  # twilight's base.html
    assert CLASSIC_CSS in home  # its stylesheet only adds to classic's
    assert "Page 1 of 2" in home and "Older posts &rarr;" in home  # its pagination partial
    assert "Older Entries" not in home
    assert 'id="sidebar"' in home and 'class="entry-title"' in home  # classic's index, sidebar
    post = client.get(two_pages_of_posts[0].get_absolute_url()).content.decode()
    assert 'class="masthead"' in post  # classic's single.html extends the theme's base
    assert "This entry was posted on" in post and "Leave a Reply" in post  # classic partials
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and 'class="masthead"' in missing.content.decode()


def test_classic_is_unaffected_by_twilight(client, two_pages_of_posts):
    home = client.get("/").content.decode()
    assert CLASSIC_CSS in home and TWILIGHT_CSS not in home
    assert 'class="masthead"' not in home and '<div id="headerimg">' in home
    assert "Older Entries" in home and "Page 1 of 2" not in home


def test_a_theme_switched_in_settings_is_used_on_the_next_request(client, two_pages_of_posts):
    loader = engines["django"].engine.template_loaders[0]
    assert isinstance(loader, themes.CachedLoader)  # parsed templates are cached, per theme
    for theme, marker in [("classic", "Older Entries"), ("twilight", "Page 1 of 2")] * 2:
        use_theme(theme)
        home = client.get("/").content.decode()
        assert marker in home
        assert (TWILIGHT_CSS in home) == (theme == "twilight")


def test_a_theme_partial_is_used_by_classic_templates_that_include_it(client, harbour_theme):
    (harbour_theme / "partials").mkdir()
    (harbour_theme / "partials" / "comment-form.html").write_text("<p>harbour reply form</p>")
    page = client.get(PostFactory(title="Quay news").get_absolute_url()).content.decode()
    assert "harbour reply form" in page and "Leave a Reply" not in page
    assert "Quay news" in page and '<div id="headerimg">' in page  # the rest is classic


def test_a_theme_name_outside_the_themes_folder_falls_back_to_classic(client):
    use_theme("../../..")
    PostFactory(title="Safe harbour")
    home = client.get("/").content.decode()
    assert "Safe harbour" in home and CLASSIC_CSS in home
