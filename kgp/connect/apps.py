from django.apps import AppConfig


class ConnectConfig(AppConfig):
    name = "kgp.connect"
    verbose_name = "Connect"

    def ready(self) -> None:
        from . import search  # noqa: F401  (subscribes the index to profile changes)
