from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kgp.accounts"
    label = "accounts"
