"""Public endpoints of the commerce domain, under /hooks/ (sapa.urls)."""

from django.urls import path

from sapa.commerce.webhook import order_webhook

app_name = "commerce"

urlpatterns = [path("orders/", order_webhook, name="order_webhook")]
