from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "sapa.conversations"
    label = "conversations"
    verbose_name = "Conversations"
