"""Django's ModelBackend, finding the signed-in user of each request with a query compiled
once. Every page a signed-in editor loads reads the user again (Django keeps only the id in the
session), and building that one `get(pk=…)` through the ORM cost several times the query."""

from django.contrib.auth import backends, get_user_model
from django.db import connections, router


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        pk = model._meta.pk.to_python(user_id)  # as the ORM would convert it
        alias = router.db_for_read(model)
        sql, names = _user_query(model, alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        user = model.from_db(alias, names, row)
        return user if self.user_can_authenticate(user) else None


def _user_query(model, alias):
    """(SQL selecting the user whose primary key is its one parameter, the columns' attnames),
    as the model's default manager would select it on `alias`."""
    key = (model, alias, connections[alias].vendor)
    found = _queries.get(key)
    if found is None:
        compiler = model._default_manager.filter(pk=0).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != [0]:  # a manager with filters of its own: their values would go
            raise ValueError(f"{model._meta.label}'s default manager adds query parameters")
        names = [column.target.attname for column, _, _ in compiler.select]
        found = _queries[key] = (sql, names)
    return found


_queries = {}
