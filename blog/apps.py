from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Content")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .roles import restore_roles

        # After comments' migrations too: the roles hold comment permissions.
        post_migrate.connect(restore_roles, dispatch_uid="inkwell-roles")
        post_migrate.connect(signals.name_the_site, dispatch_uid="inkwell-site-name")

        from . import worker

        if worker.is_worker_process():
            worker.start_heartbeat()
