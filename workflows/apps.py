from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflows, deadlines and audit"

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate

        from accounts import outbox
        from workflows.outbox import notify_one
        from workflows.prepared import forget_compiled
        from workflows.system_checks import declarations

        # The accounts app's e-mails (password-reset links) go through this outbox too.
        outbox.register(notify_one)
        checks.register(declarations)
        # As Django forgets its cached content types then.
        post_migrate.connect(forget_compiled, dispatch_uid="workflows.prepared.forget_compiled")
