from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kgp.api"
    label = "api"
