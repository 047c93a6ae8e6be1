from django.apps import AppConfig


class CompetencesConfig(AppConfig):
    name = "kgp.competences"
    label = "competences"
