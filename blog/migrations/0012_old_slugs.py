"""Former slugs move from a text column scanned with LIKE on every 404 to rows of their own,
looked up by index."""

import django.db.models.deletion
from django.db import migrations, models


def copy_old_slugs(apps, schema_editor):
    """"/a/b/" in Post.old_slugs becomes one row a slug (the path was never kept)."""
    Post = apps.get_model("blog", "Post")
    OldSlug = apps.get_model("blog", "OldSlug")
    rows = []
    for pk, text in Post.objects.exclude(old_slugs="").values_list("pk", "old_slugs"):
        slugs = dict.fromkeys(slug[:200] for slug in text.split("/") if slug)
        rows += [OldSlug(entry_id=pk, slug=slug, path="") for slug in slugs]
    OldSlug.objects.bulk_create(rows, batch_size=500)


def copy_back(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    OldSlug = apps.get_model("blog", "OldSlug")
    slugs = {}
    for entry_id, slug in OldSlug.objects.values_list("entry_id", "slug"):
        slugs.setdefault(entry_id, []).append(slug)
    for entry_id, found in slugs.items():
        Post.objects.filter(pk=entry_id).update(old_slugs="/" + "/".join(found) + "/")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0011_private_imports"),
    ]

    operations = [
        migrations.CreateModel(
            name="OldSlug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.CharField(db_index=True, max_length=200)),
                (
                    "path",
                    models.CharField(
                        blank=True,
                        db_index=True,
                        help_text="The entry's former permalink path on this site; blank when "
                        "only the slug is known (imported from WordPress).",
                        max_length=500,
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_addresses",
                        to="blog.post",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("entry", "slug", "path"), name="one_row_an_old_address"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_old_slugs, copy_back),
        migrations.RemoveField(model_name="post", name="old_slugs"),
    ]
