from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from casework.machines import register_machines

        register_machines()
