"""Uploaded WordPress exports move out of the public media storage into INKWELL_PRIVATE_DIR."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import migrations, models

import blog.models.import_jobs


def take_exports_out_of_media(apps, schema_editor):
    """Uploads made before this migration were public: finished imports lose theirs, waiting
    ones are moved to the private directory; old progress files beside them go too."""
    ImportJob = apps.get_model("blog", "ImportJob")
    private = FileSystemStorage(location=settings.INKWELL_PRIVATE_DIR)
    for pk, state, name in ImportJob.objects.values_list("pk", "state", "file"):
        progress = f"imports/progress-{pk}.json"
        if default_storage.exists(progress):
            default_storage.delete(progress)
        if not name or not default_storage.exists(name):
            continue
        kept = ""
        if state in ("queued", "running"):
            with default_storage.open(name, "rb") as source:
                kept = private.save(name, source)
        default_storage.delete(name)
        ImportJob.objects.filter(pk=pk).update(file=kept)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0010_legacy_paths"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="file",
            field=models.FileField(
                max_length=300,
                storage=blog.models.import_jobs.private_storage,
                upload_to="imports/",
            ),
        ),
        migrations.RunPython(take_exports_out_of_media, migrations.RunPython.noop),
    ]
