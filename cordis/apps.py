from django.apps import AppConfig


class CordisConfig(AppConfig):
    name = "cordis"
    verbose_name = "CORDIS import"
