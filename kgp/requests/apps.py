from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "kgp.requests"
    label = "requests"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .package import on_user_logged_in

        # allauth logs in through django.contrib.auth.login, so this covers every login.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="kgp.requests.package_merge")

        from kgp.companies.signals import company_merged

        from .receivers import move_requests_on_merge

        company_merged.connect(move_requests_on_merge, dispatch_uid="kgp.requests.move_requests_on_merge")
