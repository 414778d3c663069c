"""Data: the normalised carrier code of every stored shipment, and the time its status
comes from (its latest tracking event)."""

from django.db import migrations

from sapa.commerce.carriers import carrier_code


def fill(apps, schema_editor):
    Shipment = apps.get_model("commerce", "Shipment")
    taken = set()
    for shipment in Shipment.objects.order_by("pk").iterator():
        code = carrier_code(shipment.carrier)
        if (code, shipment.tracking_number) in taken:
            # Two spellings of one carrier with the same number were two shipments before;
            # they stay apart under the spelling's own code.
            code = f"{code}-{shipment.pk}"[:32]
        taken.add((code, shipment.tracking_number))
        shipment.carrier_code = code
        shipment.status_at = shipment.last_event_at
        shipment.save(update_fields=["carrier_code", "status_at"])


class Migration(migrations.Migration):
    dependencies = [("commerce", "0002_status_times_carrier_codes_and_delays")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
