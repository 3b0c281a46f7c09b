from django.apps import AppConfig


class ShortbreaksConfig(AppConfig):
    name = "shortbreaks"
    verbose_name = "Short breaks"

    def ready(self) -> None:
        from shortbreaks.machines import register

        register()
