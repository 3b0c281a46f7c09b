from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflows, deadlines and audit"

    def ready(self) -> None:
        from django.core import checks

        from accounts import outbox
        from workflows.outbox import notify_one
        from workflows.system_checks import declarations

        # The accounts app's e-mails (password-reset links) go through this outbox too.
        outbox.register(notify_one)
        checks.register(declarations)
