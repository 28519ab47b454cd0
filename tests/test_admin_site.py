"""Inkwell's one admin site (config/admin.py): its names, the moderation count in the menu, and
the discussion parts it wires into the post form."""

from django.contrib import admin

from config.admin import InkwellAdminSite
from tests.factories import CommentFactory, PostFactory


def test_the_default_admin_site_is_inkwells():
    assert isinstance(admin.site, InkwellAdminSite)


def test_the_post_form_shows_the_pings_it_sent(admin_client):
    post = PostFactory(title="Linked out")
    html = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Pingbacks sent" in html
    dashboard = admin_client.get("/admin/").content.decode()
    assert "<title>Dashboard | Inkwell admin</title>" in dashboard


def test_the_menu_counts_only_held_comments(admin_client):
    CommentFactory(state="pending")
    CommentFactory(state="spam")
    CommentFactory(state="approved")
    assert "Comments (1)" in admin_client.get("/admin/").content.decode()
