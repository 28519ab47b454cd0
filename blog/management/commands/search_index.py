from django.core.management.base import BaseCommand

from blog import search
from blog.models import Post


class Command(BaseCommand):
    help = "Rebuild the full-text search index of every post (FTS5 or PostgreSQL)."

    def handle(self, *args, **options):
        engine = search.engine()
        count = 0
        for post in Post.objects.iterator():
            engine.index(post)
            count += 1
        self.stdout.write(f"Indexed {count} posts with {type(engine).__name__}.")
