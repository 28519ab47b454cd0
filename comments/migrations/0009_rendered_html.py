from django.db import migrations, models


def render_existing(apps, schema_editor):
    from comments.markup import render_comment_text

    Comment = apps.get_model("comments", "Comment")  # noqa: N806
    for comment in Comment.objects.only("pk", "comment").iterator(chunk_size=500):
        Comment.objects.filter(pk=comment.pk).update(
            comment_html=render_comment_text(comment.comment)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_translatable_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="comment_html",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The text sanitised and made into paragraphs, kept current on every "
                "save.",
                verbose_name="text as shown",
            ),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
