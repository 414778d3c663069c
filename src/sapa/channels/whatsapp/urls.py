"""The public WhatsApp webhook, under /hooks/whatsapp/ (sapa.urls)."""

from django.urls import path

from sapa.channels.whatsapp.webhook import webhook

app_name = "whatsapp"

urlpatterns = [path("", webhook, name="webhook")]
