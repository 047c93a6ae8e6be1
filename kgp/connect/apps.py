from django.apps import AppConfig


class ConnectConfig(AppConfig):
    name = "kgp.connect"
    verbose_name = "Connect"

    def ready(self) -> None:
        from kgp.companies.signals import company_merged

        from . import search  # noqa: F401  (subscribes the index to profile changes)
        from .receivers import move_on_merge

        company_merged.connect(move_on_merge, dispatch_uid="kgp.connect.move_on_merge")
