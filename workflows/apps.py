from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflows, deadlines and audit"

    def ready(self) -> None:
        from accounts import outbox
        from workflows.outbox import notify_one

        # The accounts app's e-mails (password-reset links) go through this outbox too.
        outbox.register(notify_one)
