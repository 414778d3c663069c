"""The sign-in mail: through the shop's SMTP server when one is configured
(the first mailbox's, or SAPA_SMTP_URL), otherwise through Django's own email settings."""

import logging
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from sapa.channels.email.delivery import smtp_connection
from sapa.channels.email.models import Mailbox
from sapa.helpcenter.branding import branding

logger = logging.getLogger(__name__)


def site_sender() -> tuple[str, str]:
    """(From address, SMTP URL): the first active mailbox's, else the site's defaults."""
    mailbox = Mailbox.objects.filter(is_active=True).order_by("pk").first()
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL, settings.SAPA_SMTP_URL
    return mailbox.address, mailbox.smtp_url or settings.SAPA_SMTP_URL


def send_sign_in_link(*, email: str, token: str, language: str) -> None:
    """Send the link; a failure is logged, never shown (the page says the same either way)."""
    url = settings.SAPA_BASE_URL + reverse("help:portal_magic", kwargs={"token": token})
    with translation.override(language):
        context = {
            "url": url,
            "minutes": settings.SAPA_PORTAL_LINK_MINUTES,
            "shop": branding().shop_name,
        }
        subject = render_to_string("helpcenter/portal/sign_in_subject.txt", context)
        body = render_to_string("helpcenter/portal/sign_in_email.txt", context)
    address, smtp_url = site_sender()
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=formataddr((branding().shop_name, address)),
        to=[email],
        connection=smtp_connection(smtp_url),
    )
    try:
        message.send()
    except Exception:
        logger.exception("could not send a portal sign-in link")
