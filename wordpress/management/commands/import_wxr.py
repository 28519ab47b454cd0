"""manage.py import_wxr: a WordPress export imported from the command line, with a progress bar
(items done of total, rate, time left) when the output is a terminal."""

from django.core.management.base import BaseCommand, CommandError

from wordpress.importer import Importer
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = "Import a WordPress export (WXR 1.0–1.2): authors, terms, posts, pages, media, comments."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xml file WordPress's Tools → Export made")
        parser.add_argument("--media-dir", help="a copy of wp-content/uploads to take files from")
        parser.add_argument("--default-author", help="username for items whose author is missing")
        parser.add_argument(
            "--old-permalinks",
            default="",
            help="the old site's permalink structure, e.g. '/%%postname%%/'",
        )
        parser.add_argument("--dry-run", action="store_true", help="read and check, write nothing")
        parser.add_argument(
            "--download-media",
            action="store_true",
            help="fetch attachments not found in --media-dir through the safe fetcher (public "
            "addresses only); without it they stay at their old addresses",
        )

        parser.add_argument(
            "--trust-html",
            action="store_true",
            help="keep the posts' HTML as written (scripts, styles, embeds); by default it is "
            "cleaned as for a writer without unfiltered HTML",
        )

    def handle(self, *args, **options):
        def progress(state):
            self.stdout.write(f"\r  {state.bar()}", ending="")
            self.stdout.flush()

        show = options["verbosity"] > 0 and (self.stdout.isatty() or options["verbosity"] > 1)

        importer = Importer(
            media_dir=options["media_dir"],
            default_author=options["default_author"],
            old_permalinks=options["old_permalinks"],
            progress=progress if show else None,
            dry_run=options["dry_run"],
            download_media=options["download_media"],
            trust_html=options["trust_html"],
        )
        try:
            summary = importer.run(options["file"])
        except (WXRError, OSError) as error:
            raise CommandError(f"{options['file']}: {error}") from error
        self.stdout.write("")
        self.stdout.write(summary.table())
        for line in summary.skipped:
            self.stdout.write(f"  skipped or changed: {line}")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
