"""The sign-in mail: through the shop's SMTP server when one is configured
(the first mailbox's, or SAPA_SMTP_URL), otherwise through Django's own email settings."""

import logging
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from sapa.channels.email.models import Mailbox
from sapa.channels.email.servers import BadServerURL, Security, parse_server_url
from sapa.helpcenter.branding import branding

logger = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 30


def _sender() -> tuple[str, str]:
    """(From address, SMTP URL): the first active mailbox's, else the site's defaults."""
    mailbox = Mailbox.objects.filter(is_active=True).order_by("pk").first()
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL, settings.SAPA_SMTP_URL
    return mailbox.address, mailbox.smtp_url or settings.SAPA_SMTP_URL


def _connection(smtp_url: str) -> BaseEmailBackend:
    if not smtp_url:
        return get_connection()
    try:
        server = parse_server_url(smtp_url, "smtp")
    except BadServerURL:
        logger.warning("the SMTP URL is not valid; using Django's email settings")
        return get_connection()
    return EmailBackend(
        host=server.host,
        port=server.port,
        username=server.username or None,
        password=server.password or None,
        use_tls=server.security == Security.STARTTLS,
        use_ssl=server.security == Security.TLS,
        timeout=SMTP_TIMEOUT_SECONDS,
    )


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
    address, smtp_url = _sender()
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=formataddr((branding().shop_name, address)),
        to=[email],
        connection=_connection(smtp_url),
    )
    try:
        message.send()
    except Exception:
        logger.exception("could not send a portal sign-in link")
