from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "cyplan.delivery"
    label = "delivery"
    verbose_name = "Delivery tracking"
