from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "kgp.events"
    label = "events"

    def ready(self) -> None:
        from kgp.companies.signals import company_merged

        from .receivers import move_registrations_on_merge

        company_merged.connect(move_registrations_on_merge, dispatch_uid="kgp.events.move_registrations_on_merge")
