from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cyplan.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
