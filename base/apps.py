from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "base"
    verbose_name = "Shared building blocks"

    def ready(self):
        from base.caching import connect_signals

        connect_signals()
