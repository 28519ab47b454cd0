"""The editor's side of content in Django's admin: Posts, Pages, Categories, Tags, Media and
Settings (Comments come from the comments app)."""

from . import entries, media, settings, taxonomy  # noqa: F401  (each registers one)
