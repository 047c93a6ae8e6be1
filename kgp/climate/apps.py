from django.apps import AppConfig


class ClimateConfig(AppConfig):
    name = "kgp.climate"
    label = "climate"

    def ready(self) -> None:
        from kgp.companies.signals import company_merged

        from .receivers import move_footprints_on_merge

        company_merged.connect(move_footprints_on_merge, dispatch_uid="kgp.climate.move_footprints_on_merge")
