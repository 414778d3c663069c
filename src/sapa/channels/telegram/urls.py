"""Telegram's webhook, under /hooks/telegram/ (sapa.urls)."""

from django.urls import path

from sapa.channels.telegram import views

app_name = "telegram"

urlpatterns = [path("<str:key>/", views.webhook, name="webhook")]
