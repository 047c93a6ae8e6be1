from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "kgp.catalogue"
    label = "catalogue"
