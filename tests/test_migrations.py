"""Migrations replay the same way for ever: their data steps are their own code, never a live
module whose behaviour changes later; and the roles they once made are there after migrating."""

import pytest
from django.contrib.auth.models import Group
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from blog import roles

OURS = ("blog", "comments", "wordpress")


def test_data_steps_are_written_in_the_migration_itself():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    borrowed = []
    for (app, name), migration in loader.disk_migrations.items():
        if app not in OURS:
            continue
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                for function in (operation.code, operation.reverse_code):
                    if function in (None, RunPython.noop):
                        continue
                    if function.__module__ != type(migration).__module__:
                        borrowed.append(f"{app}.{name}: {function.__module__}")
    assert borrowed == []


@pytest.mark.django_db
def test_every_role_exists_with_its_permissions_after_migrating():
    for role, permissions in roles.ROLES.items():
        codenames = set(
            Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
        if permissions != "*":
            assert codenames == {tuple(p.split(".")) for p in permissions}, role
        else:
            assert ("blog", "unfiltered_html") in codenames
            assert ("comments", "change_comment") in codenames
