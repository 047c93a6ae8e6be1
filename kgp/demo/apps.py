from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo region: composes the demo data of every domain app (no models)."""

    name = "kgp.demo"
    label = "demo"
