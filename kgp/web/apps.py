from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kgp.web"
    label = "web"
