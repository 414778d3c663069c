from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sapa.accounts"
    label = "accounts"
    verbose_name = "Accounts"
