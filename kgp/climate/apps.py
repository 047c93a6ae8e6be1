from django.apps import AppConfig


class ClimateConfig(AppConfig):
    name = "kgp.climate"
    label = "climate"
