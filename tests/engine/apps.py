from django.apps import AppConfig


class EngineTestConfig(AppConfig):
    name = "tests.engine"
    label = "engine"

    def ready(self) -> None:
        from tests.engine.models import register

        register()
