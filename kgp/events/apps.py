from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "kgp.events"
    label = "events"
