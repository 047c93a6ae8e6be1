from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "kgp.organisations"
    label = "organisations"
