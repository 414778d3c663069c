"""The three timed rules every desk starts with, switched off until a supervisor turns
them on (Settings -> Automations): a reminder after 3 days pending, solved after 7 days
pending, closed after 4 days solved."""

from typing import Any

from django.db import migrations

REMINDER = "Halo {{ customer.first_name }}, apakah masih ada yang bisa kami bantu?"

DEFAULTS: list[dict[str, Any]] = [
    {
        "name": "Pengingat: menunggu jawaban pelanggan 3 hari",
        "conditions": {
            "match": "all",
            "items": [
                {"field": "status", "op": "is", "value": "pending"},
                {"field": "hours_since_status_change", "op": "gte", "value": 72},
            ],
        },
        "actions": [{"type": "send_reply", "value": None, "text": REMINDER}],
    },
    {
        "name": "Selesaikan: menunggu jawaban pelanggan 7 hari",
        "conditions": {
            "match": "all",
            "items": [
                {"field": "status", "op": "is", "value": "pending"},
                {"field": "hours_since_status_change", "op": "gte", "value": 168},
            ],
        },
        "actions": [{"type": "set_status", "value": "solved"}],
    },
    {
        "name": "Tutup: selesai 4 hari",
        "conditions": {
            "match": "all",
            "items": [
                {"field": "status", "op": "is", "value": "solved"},
                {"field": "hours_since_solved", "op": "gte", "value": 96},
            ],
        },
        "actions": [{"type": "set_status", "value": "closed"}],
    },
]


def add_defaults(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("automations", "Rule")
    for position, rule in enumerate(DEFAULTS, start=1):
        Rule.objects.get_or_create(
            kind="scheduled",
            name=rule["name"],
            defaults={
                "position": position,
                "is_active": False,
                "conditions": rule["conditions"],
                "actions": rule["actions"],
            },
        )


def remove_defaults(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("automations", "Rule")
    Rule.objects.filter(kind="scheduled", name__in=[r["name"] for r in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("automations", "0001_rules_and_runs")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
