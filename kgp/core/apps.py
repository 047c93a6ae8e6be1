from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kgp.core"
    label = "core"
