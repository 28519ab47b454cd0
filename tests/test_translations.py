"""The site in the language chosen under Settings → General → Site Language (German shipped)."""

import ast
import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from blog.models import SiteOptions
from tests.admin_forms import admin_form
from tests.factories import (
    CategoryFactory,
    PostFactory,
    UserFactory,
    comment_form_data,
    site_options,
)

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def german():
    site_options(site_language="de", comment_previously_approved=False)


@pytest.fixture
def post():
    return PostFactory(
        title="Gezeiten",
        published_at=timezone.make_aware(datetime.datetime(2024, 3, 1, 14, 5)),
        categories=[CategoryFactory(name="News", slug="news")],
    )


def test_english_is_the_default_language(client, post):
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert '<html lang="en">' in html and response["Content-Language"] == "en"
    assert "This entry was posted on Friday, March 1st, 2024 at 2:05 pm" in text_of(html)
    assert "Leave a Reply" in html


def test_post_page_in_german(client, german, post):
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert '<html lang="de">' in html and response["Content-Language"] == "de"
    assert (
        "Dieser Eintrag wurde am Freitag, 1. März 2024 um 14:05 veröffentlicht und ist abgelegt "
        "unter News. Du kannst alle Antworten auf diesen Eintrag über den RSS-2.0-Feed verfolgen."
    ) in text_of(html)
    assert "Keine Antworten zu" not in html and "Keine Antworten" in html
    assert '<h3 id="reply-title" class="comment-reply-title">Schreibe einen Kommentar' in html
    for label in ("Kommentar", "Name", "E-Mail", "Website"):
        assert f">{label} " in html or f">{label}<" in html
    assert 'value="Kommentar abschicken"' in html
    assert "Zum Inhalt springen" in html and "Neueste Beiträge" in html  # base and sidebar
    assert "Leave a Reply" not in html and "This entry was posted" not in html


def test_comment_error_page_in_german(client, german, post):
    data = comment_form_data(post, comment="Bitte behalten.", email="keine-adresse")
    response = client.post("/comments/post/", data, REMOTE_ADDR="198.51.100.7")
    html = response.content.decode()
    assert response.status_code == 400 and '<html lang="de">' in html
    assert "Kommentar konnte nicht gesendet werden" in html
    assert "Dein Kommentar wurde nicht veröffentlicht." in html and "Bitte behalten." in html


def test_site_language_is_chosen_in_settings_and_switching_back_restores_english(
    admin_client, client, post
):
    url = "/admin/blog/siteoptions/1/change/"
    form = admin_client.get(url).content.decode()
    assert '<option value="de">Deutsch</option>' in form
    assert '<option value="" selected>Server default (en-us)</option>' in form
    data = admin_form(admin_client, url, "siteoptions_form", site_language="de")
    assert admin_client.post(url, data).status_code == 302
    assert SiteOptions.get().site_language == "de"
    assert "Schreibe einen Kommentar" in client.get(post.get_absolute_url()).content.decode()
    data = admin_form(admin_client, url, "siteoptions_form", site_language="")
    assert admin_client.post(url, data).status_code == 302
    assert "Leave a Reply" in client.get(post.get_absolute_url()).content.decode()


def test_language_code_from_the_environment_is_the_default(client, settings, post):
    settings.LANGUAGE_CODE = "de"
    assert '<html lang="de">' in client.get(post.get_absolute_url()).content.decode()


def test_an_unknown_site_language_falls_back_to_language_code(client, post):
    site_options(site_language="xx")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<html lang="en">' in html and "Leave a Reply" in html


def test_comment_error_messages_in_german(client, german, post):
    data = comment_form_data(post, comment="", email="keine-adresse")
    html = client.post("/comments/post/", data, REMOTE_ADDR="198.51.100.8").content.decode()
    assert "Fehler: Bitte schreibe deinen Kommentartext." in html
    assert "Fehler: Bitte gib eine gültige E-Mail-Adresse ein." in html
    assert "Error:" not in html


def test_comment_on_a_closed_post_is_refused_in_german(client, german):
    closed = PostFactory(comment_status="closed")
    response = client.post("/comments/post/", comment_form_data(closed), REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 403
    assert "Kommentare zu diesem Inhalt sind leider geschlossen." in response.content.decode()


def test_admin_labels_in_german(admin_client, german, post):
    html = admin_client.get("/admin/").content.decode()
    assert '<html lang="de"' in html
    assert "Auf einen Blick" in html and "Einstellungen" in html
    assert "Alle Beiträge" in html and "Werkzeuge" in html  # the menu, in WordPress's order
    settings_form = admin_client.get("/admin/blog/siteoptions/1/change/").content.decode()
    for label in ("Allgemein", "Lesen", "Diskussion", "Sprache der Website", "Blogseiten zeigen"):
        assert label in settings_form
    posts = admin_client.get("/admin/blog/post/").content.decode()
    assert "Titel" in posts and "Aufrufe" in posts and "In den Papierkorb legen" in posts
    change = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Veröffentlichungsdatum" in change and "Beitragsbild" in change
    assert ">Inhalt:<" in change and ">Auszug:<" in change and "Beitrag ändern" in change
    assert "Kommentars" not in html and ">Kommentare<" in html
    assert "Vorschau" in change  # the change form template's own button
    assert "Veröffentlicht am:" in change and "Öffentlich" in change  # the Publish box
    assert "Veröffentlicht<br>01.03.2024 um 14:05" in posts  # the Date column


def test_add_media_dialog_in_german(admin_client, german):
    catalogue = admin_client.get("/admin/jsi18n/").content.decode()
    assert '"Add Media": "Medien hinzuf\\u00fcgen"' in catalogue
    assert '"Insert into post": "In den Beitrag einf\\u00fcgen"' in catalogue


def test_comments_screen_and_undo_in_german(admin_client, german, post):
    from tests.factories import CommentFactory

    comment = CommentFactory(content_object=post, state="pending")
    screen = admin_client.get("/admin/comments/comment/").content.decode()
    for words in (">Alle<", "Meine", "Freigeben", "QuickEdit", "Beitrag ansehen"):
        assert words in screen, words
    trashed = admin_client.post(
        "/admin/comments/comment/",
        {"action": "move_to_trash", "_selected_action": [comment.pk]},
        follow=True,
    ).content.decode()
    assert "1 Kommentar in den Papierkorb gelegt." in trashed and "Rückgängig" in trashed


def test_archive_headings_and_feed_titles_in_german(client, german, post):
    assert "Kategorie: News" in client.get("/category/news/").content.decode()
    assert "Monatsarchiv: März 2024" in client.get("/2024/03/").content.decode()
    feed = client.get("/comments/feed/").content.decode()
    assert "<title>Kommentare zu Inkwell</title>" in feed


def test_notification_mail_sent_after_the_request_is_in_german(
    client, german, django_capture_on_commit_callbacks
):
    author = UserFactory(username="autorin", email="autorin@example.com")
    post = PostFactory(title="Ebbe", author=author)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/comments/post/", comment_form_data(post), REMOTE_ADDR="198.51.100.10")
    for callback in callbacks:  # the task runs outside the request, as the worker would
        callback()
    [message] = mail.outbox
    assert message.subject == "[Inkwell] Kommentar: „Ebbe“"
    assert "Autor: Juno Reader" in message.body and "Kommentar:" in message.body


def po_entries(path):
    """(context, msgid, plural, [msgstr…], flags) for each entry of a .po file."""
    entries = []
    for block in path.read_text().split("\n\n"):
        fields, current, flags = {}, None, ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags = line
            elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
                current, _, literal = line.partition(" ")
                fields[current] = ast.literal_eval(literal)
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            strings = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            entries.append(
                (fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), strings, flags)
            )
    return entries


@pytest.mark.parametrize(("domain", "at_least"), [("django", 300), ("djangojs", 20)])
def test_german_catalogue_is_complete_and_its_compiled_mo_matches(domain, at_least):
    po = LOCALE / "de" / "LC_MESSAGES" / f"{domain}.po"
    with (LOCALE / "de" / "LC_MESSAGES" / f"{domain}.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    entries = po_entries(po)
    assert len(entries) > at_least
    for context, msgid, plural, strings, flags in entries:
        assert "fuzzy" not in flags and all(strings), msgid
        if plural:
            assert compiled.ngettext(msgid, plural, 1) == strings[0], msgid
            assert compiled.ngettext(msgid, plural, 2) == strings[1], msgid
        elif context:
            assert compiled.pgettext(context, msgid) == strings[0], msgid
        else:
            assert compiled.gettext(msgid) == strings[0], msgid
