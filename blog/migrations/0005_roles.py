from django.db import migrations

from blog.roles import create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_pages_media_statuses"),
        ("comments", "0003_outgoing_ping"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
