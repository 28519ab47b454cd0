"""Once made WordPress's roles by calling blog.roles, live code whose behaviour changes. The roles
are now kept by the post_migrate handler (blog.roles.restore_roles), which runs after every
migrate and flush, once every app's permissions exist; so this step does nothing, and stays only
so databases that applied it keep a consistent history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_pages_media_statuses"),
        ("comments", "0003_outgoing_ping"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
