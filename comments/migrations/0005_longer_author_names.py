from django.db import migrations


def widen(apps, schema_editor):
    # django-contrib-comments stores the author's name in varchar(50); WordPress allows 245
    # characters. SQLite ignores lengths; PostgreSQL enforces them, so the column is widened.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE django_comments ALTER COLUMN user_name TYPE varchar(255)"
        )


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE django_comments ALTER COLUMN user_name TYPE varchar(50) "
            "USING left(user_name, 50)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_wordpress_ids"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
    ]

    operations = [migrations.RunPython(widen, narrow)]
