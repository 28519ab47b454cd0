from django.core.management.base import BaseCommand

from blog.trash import EMPTY_TRASH_DAYS, expired


class Command(BaseCommand):
    help = f"Delete entries that have been in the Trash for more than {EMPTY_TRASH_DAYS} days."

    def handle(self, *args, **options):
        deleted, _ = expired().delete()
        self.stdout.write(f"Deleted {deleted} object(s) from the Trash.")
