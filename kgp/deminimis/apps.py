from django.apps import AppConfig


class DeminimisConfig(AppConfig):
    name = "kgp.deminimis"
    label = "deminimis"

    def ready(self) -> None:
        from kgp.companies.signals import company_merged

        from .receivers import move_aid_on_merge

        company_merged.connect(move_aid_on_merge, dispatch_uid="kgp.deminimis.move_aid_on_merge")
