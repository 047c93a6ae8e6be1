from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kgp.assessment"
    label = "assessment"

    def ready(self) -> None:
        from kgp.companies.signals import company_merged

        from .receivers import move_results_on_merge

        company_merged.connect(move_results_on_merge, dispatch_uid="kgp.assessment.move_results_on_merge")
