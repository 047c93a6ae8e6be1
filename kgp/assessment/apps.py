from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kgp.assessment"
    label = "assessment"
