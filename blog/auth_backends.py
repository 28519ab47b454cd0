"""Django's ModelBackend, finding the signed-in user of each request with a query compiled
once, and remembering the row it read. Every page a signed-in editor loads reads the user
again (Django keeps only the id in the session): building that one `get(pk=…)` through the ORM
cost several times the query, and on PostgreSQL the query alone was a fifth of the page's CPU.

A row is used again while the users' version (a value in the shared cache, read from each
thread's memory while the cache is unchanged) stays the same: every save or deletion of a user
through Django moves it on, in one process for all (blog/signals.py), so a user deactivated,
deleted or given a new password is signed out at the next page. A change made behind Django's
back (`QuerySet.update`, SQL, a data migration's historical model) is read within
USER_KEPT_SECONDS, as is one whose commit hook never ran (an earlier hook of the same
transaction raised). A row read inside the transaction that changed it, then rolled back, is
likewise used for up to that long: a rolled-back password change read so signs that session
out."""

import os
import secrets
import threading
import time

from django.contrib.auth import BACKEND_SESSION_KEY, backends, get_user_model
from django.core.cache import cache
from django.db import connections, router, transaction

from .hot_settings import default_cache

DJANGOS = "django.contrib.auth.backends.ModelBackend"
INKWELLS = f"{__name__}.ModelBackend"
USERS_VERSION_KEY = "inkwell:users:version"
USER_KEPT_SECONDS = 1.0
USERS_KEPT = 1024  # rows a process remembers

_rows = {}  # (model, database, pk) -> (users version, when read, row)
_rows_lock = threading.Lock()


def _forget_parents_rows():
    global _rows_lock
    _rows_lock = threading.Lock()  # a parent's thread may have held it when it forked
    _rows.clear()


os.register_at_fork(after_in_child=_forget_parents_rows)


def users_version():
    return default_cache().get_or_set(USERS_VERSION_KEY, lambda: secrets.token_hex(8), None)


def users_changed(using=None):
    """A user was saved or deleted (on database `using`): every process reads its users again,
    now and once the change is committed (a row read in between is the old one), whatever
    other commit hooks do."""

    def move_on():
        cache.set(USERS_VERSION_KEY, secrets.token_hex(8), None)

    move_on()
    transaction.on_commit(move_on, using=using, robust=True)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        pk = model._meta.pk.to_python(user_id)  # as the ORM would convert it
        connection = connections[router.db_for_read(model)]
        sql, names, compiler, converters = _user_query(model, connection)
        key, version = (model, connection.alias, pk), users_version()
        kept = _rows.get(key)
        if kept and kept[0] == version and time.monotonic() - kept[1] < USER_KEPT_SECONDS:
            row = kept[2]
        else:
            read_at = time.monotonic()
            with connection.cursor() as cursor:
                try:
                    cursor.execute(sql, [pk])
                except OverflowError:  # an id SQLite cannot hold: no such user, as for the ORM
                    return None
                row = cursor.fetchone()
            if row is not None and converters:  # as the ORM returns them (SQLite's dates)
                row = next(compiler.apply_converters([row], converters))
            with _rows_lock:
                if len(_rows) >= USERS_KEPT:
                    _rows.clear()
                _rows[key] = (version, read_at, row)
        if row is None:
            return None
        user = model.from_db(connection.alias, names, row)
        return user if self.user_can_authenticate(user) else None


def _user_query(model, connection):
    """(SQL selecting the user whose primary key is its one parameter, the columns' attnames,
    the compiler and converters that turn a row into the values the ORM would give), as the
    model's default manager selects it on `connection` (one per thread and database, so it is
    kept on the connection and goes with it)."""
    made = connection.__dict__.setdefault("inkwell_user_queries", {})
    found = made.get(model)
    if found is None:
        compiler = model._default_manager.filter(pk=0).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if list(params) != [0]:  # a manager with filters of its own: their values would go
            raise ValueError(f"{model._meta.label}'s default manager adds query parameters")
        columns = [column for column, _, _ in compiler.select]
        names = [column.target.attname for column in columns]
        found = made[model] = (sql, names, compiler, compiler.get_converters(columns))
    return found


class SessionBackendMiddleware:
    """Sessions signed in through Django's ModelBackend, before Inkwell had its own, name
    Inkwell's from their next request on: Django signs out a session whose backend is no
    longer configured. Runs between the session and authentication middleware; it has nothing
    left to do once such sessions have expired (SESSION_COOKIE_AGE after the upgrade)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key is not None and session.get(BACKEND_SESSION_KEY) == DJANGOS:
            session[BACKEND_SESSION_KEY] = INKWELLS
        return self.get_response(request)
