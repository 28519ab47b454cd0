"""Sessions signed in through Django's ModelBackend name Inkwell's (blog/auth_backends.py) from
now on: Django keeps a session signed in only while the backend it names is still configured,
and without this every editor would be signed out by the upgrade."""

from importlib import import_module

from django.conf import settings
from django.db import migrations

BACKEND_KEY = "_auth_user_backend"  # django.contrib.auth.BACKEND_SESSION_KEY
DJANGO = "django.contrib.auth.backends.ModelBackend"
INKWELL = "blog.auth_backends.ModelBackend"


def _rename(apps, schema_editor, old, new):
    sessions = apps.get_model("sessions", "Session").objects.using(schema_editor.connection.alias)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    renamed = []
    for session in sessions.iterator():
        data = store().decode(session.session_data)
        if data.get(BACKEND_KEY) == old:
            data[BACKEND_KEY] = new
            session.session_data = store().encode(data)
            renamed.append(session)
    sessions.bulk_update(renamed, ["session_data"], batch_size=500)
    for session in renamed:  # cached_db would go on reading its cached copy
        cached = store(session.session_key)
        if hasattr(cached, "cache_key"):
            cached._cache.delete(cached.cache_key)


def to_inkwell(apps, schema_editor):
    _rename(apps, schema_editor, DJANGO, INKWELL)


def to_django(apps, schema_editor):
    _rename(apps, schema_editor, INKWELL, DJANGO)


class Migration(migrations.Migration):
    dependencies = [("blog", "0018_import_progress_labels"), ("sessions", "0001_initial")]

    operations = [migrations.RunPython(to_inkwell, to_django)]
