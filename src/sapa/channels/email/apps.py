from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "sapa.channels.email"
    label = "sapa_email"
    verbose_name = "Sapa email channel"

    def ready(self) -> None:
        from sapa.channels.email.delivery import EmailAdapter
        from sapa.channels.kinds import Channel
        from sapa.channels.registry import register_adapter

        register_adapter(Channel.EMAIL, EmailAdapter())

        from django.db.models.signals import post_delete, post_save

        from sapa.channels.email.mailboxes import forget_own_addresses
        from sapa.channels.email.models import Mailbox

        def mailbox_changed(**_kwargs: object) -> None:
            forget_own_addresses()

        post_save.connect(mailbox_changed, sender=Mailbox, weak=False)
        post_delete.connect(mailbox_changed, sender=Mailbox, weak=False)
