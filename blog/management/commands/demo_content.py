from django.core.management.base import BaseCommand

from blog.demo import create_demo_content


class Command(BaseCommand):
    help = "Create the demo posts, picture and comments (idempotent)."

    def handle(self, *args, **options):
        create_demo_content(stdout=self.stdout)
