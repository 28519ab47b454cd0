"""WSGI entry point for gunicorn: Django, with kept pages replayed in front of it
(blog/page_replay.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from blog.page_replay import PageReplayApp  # noqa: E402 - needs the apps loaded above

application = PageReplayApp(django_application)
