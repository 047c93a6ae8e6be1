from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "kgp.journey"
    label = "journey"

    def ready(self) -> None:
        from kgp.companies.signals import company_merged

        from .receivers import move_cases_on_merge

        company_merged.connect(move_cases_on_merge, dispatch_uid="kgp.journey.move_cases_on_merge")
