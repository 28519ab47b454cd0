"""Django's ModelBackend, finding the signed-in user of each request with a query compiled
once. Every page a signed-in editor loads reads the user again (Django keeps only the id in the
session), and building that one `get(pk=…)` through the ORM cost several times the query."""

from django.contrib.auth import BACKEND_SESSION_KEY, backends, get_user_model
from django.db import connections, router

DJANGOS = "django.contrib.auth.backends.ModelBackend"
INKWELLS = f"{__name__}.ModelBackend"


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        pk = model._meta.pk.to_python(user_id)  # as the ORM would convert it
        connection = connections[router.db_for_read(model)]
        sql, names, compiler, converters = _user_query(model, connection)
        with connection.cursor() as cursor:
            try:
                cursor.execute(sql, [pk])
            except OverflowError:  # an id SQLite cannot hold: no such user, as for the ORM
                return None
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:  # the database's values as the ORM returns them (SQLite's dates)
            row = next(compiler.apply_converters([row], converters))
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
