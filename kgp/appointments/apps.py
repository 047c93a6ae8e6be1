from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "kgp.appointments"
    label = "appointments"

    def ready(self) -> None:
        from kgp.companies.signals import company_merged

        from .receivers import move_bookings_on_merge

        company_merged.connect(move_bookings_on_merge, dispatch_uid="kgp.appointments.move_bookings_on_merge")
