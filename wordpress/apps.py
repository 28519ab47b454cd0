"""The wordpress app: WordPress compatibility, depending on blog and comments, never the reverse."""

from django.apps import AppConfig


class WordPressConfig(AppConfig):
    """What exists only to be compatible with WordPress: its export format (WXR) in and out,
    import jobs, the old site's links, and WordPress's APIs."""

    name = "wordpress"
    verbose_name = "WordPress"

    def ready(self):
        from blog.embeds import embed_wanted

        from . import (
            oembed,
            xmlrpc,  # noqa: F401  (registers wp.*, metaWeblog.*, blogger.*, mt.*)
        )

        embed_wanted.connect(oembed.embed_wanted, dispatch_uid="inkwell-oembed")
