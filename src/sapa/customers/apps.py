from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "sapa.customers"
    label = "customers"
    verbose_name = "Customers"
