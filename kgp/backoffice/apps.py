from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "kgp.backoffice"
    label = "backoffice"
