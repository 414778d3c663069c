"""The webhook bench's scenario, run inside the bench's Sapa environment (its own process,
DJANGO_SETTINGS_MODULE and DATABASE_URL from the bench):

    python bench/_webhooks_scenario.py setup --secret S --phone-number-id P
    python bench/_webhooks_scenario.py report --forged-marker M

`setup` adds the WhatsApp account (through the console's action). `report` prints one JSON
line: WhatsApp messages stored, wamids stored more than once, kept deliveries, forged
bodies kept, deliveries still waiting, and when the last message was stored.
"""

import argparse
import json
import os
from typing import Any


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapa.settings")
    import django

    django.setup()


def setup(secret: str, phone_number_id: str) -> dict[str, Any]:
    from sapa.channels.whatsapp.config import AccountSettings, save_account
    from sapa.core.actors import Actor

    account = save_account(
        AccountSettings(
            name="Bench",
            phone_number_id=phone_number_id,
            business_account_id="200000000000001",
            access_token="EAAbench",
            app_secret=secret,
            verify_token="bench-verify",
            graph_base_url="http://127.0.0.1:9",
        ),
        actor=Actor.system("bench"),
    )
    return {"account_id": account.pk}


def report(forged_marker: str) -> dict[str, Any]:
    from django.db.models import Count, Max

    from sapa.channels.whatsapp.models import DeliveryStatus, WhatsAppWebhookDelivery
    from sapa.conversations.models import Message

    messages = Message.objects.filter(channel="whatsapp", direction="inbound")
    repeated = messages.values("external_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    deliveries = WhatsAppWebhookDelivery.objects.all()
    last = messages.aggregate(last=Max("created_at"))["last"]
    return {
        "stored": messages.count(),
        "duplicates_stored": repeated,
        "deliveries_kept": deliveries.count(),
        "waiting": deliveries.filter(status=DeliveryStatus.RECEIVED).count(),
        "quarantined": deliveries.filter(status=DeliveryStatus.QUARANTINED).count(),
        "forged_kept": sum(
            1
            for body in deliveries.values_list("body", flat=True)
            if forged_marker.encode() in bytes(body)
        ),
        "last_stored_at": last.timestamp() if last else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    setup_parser = sub.add_parser("setup")
    setup_parser.add_argument("--secret", required=True)
    setup_parser.add_argument("--phone-number-id", required=True)
    report_parser = sub.add_parser("report")
    report_parser.add_argument("--forged-marker", required=True)
    args = parser.parse_args()
    _django()
    if args.command == "setup":
        result = setup(args.secret, args.phone_number_id)
    else:
        result = report(args.forged_marker)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
