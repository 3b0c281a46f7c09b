from django.apps import AppConfig


class ShortbreaksConfig(AppConfig):
    name = "shortbreaks"
