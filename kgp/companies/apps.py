from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "kgp.companies"
    label = "companies"
