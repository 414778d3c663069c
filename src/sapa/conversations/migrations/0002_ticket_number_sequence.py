"""On PostgreSQL, ticket numbers come from a sequence (docs/decisions/0005)."""

from django.db import migrations

SEQUENCE = "sapa_ticket_number"
FIRST = 1001


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Ticket = apps.get_model("conversations", "Ticket")
    Counter = apps.get_model("core", "Counter")
    highest = max(
        Ticket.objects.order_by("-number").values_list("number", flat=True).first() or 0,
        Counter.objects.filter(name="ticket_number").values_list("value", flat=True).first() or 0,
        FIRST - 1,
    )
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START WITH {int(highest) + 1}")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_sequence, drop_sequence)]
