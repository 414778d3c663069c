from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("commerce", "0004_seed_carrier_policies")]

    operations = [
        migrations.RemoveConstraint(model_name="shipment", name="shipment_tracking_unique"),
        migrations.AddConstraint(
            model_name="shipment",
            constraint=models.UniqueConstraint(
                fields=("carrier_code", "tracking_number"), name="shipment_carrier_tracking_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="shipment",
            index=models.Index(
                condition=models.Q(
                    ("delayed_since__isnull", True),
                    models.Q(("status__in", ["delivered", "returned"]), _negated=True),
                ),
                fields=["carrier_code", "last_event_at"],
                name="shipment_watch_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="shipment",
            index=models.Index(
                condition=models.Q(("delayed_since__isnull", False)),
                fields=["-delayed_since", "-id"],
                name="shipment_delayed_idx",
            ),
        ),
    ]
