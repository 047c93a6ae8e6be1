from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "kgp.requests"
    label = "requests"
