from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Content"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .roles import restore_roles

        # After comments' migrations too: the roles hold comment permissions.
        post_migrate.connect(restore_roles, dispatch_uid="inkwell-roles")

        from . import worker

        if worker.is_worker_process():
            worker.start_heartbeat()
