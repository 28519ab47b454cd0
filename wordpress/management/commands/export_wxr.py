"""manage.py export_wxr: the whole site as a WordPress export file."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from wordpress.exporter import Exporter


class Command(BaseCommand):
    help = "Export everything as a WordPress export file (WXR 1.2)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--site-url",
            default=settings.INKWELL_SITE_URL,
            help="the site's address, for links in the file",
        )

    def handle(self, *args, **options):
        exporter = Exporter(options["site_url"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                exporter.write(out)
            self.stderr.write(f"Wrote {options['output']}.")
        else:
            exporter.write(sys.stdout)
