import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import sapa.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0001_initial"),
        ("conversations", "0007_notification_kinds_and_detail"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="status_changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="order",
            name="status_source",
            field=models.CharField(
                choices=[("shop", "Shop"), ("tracking", "Tracking")], default="shop", max_length=16
            ),
        ),
        migrations.AddField(
            model_name="shipment",
            name="carrier_code",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="shipment",
            name="status_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="shipment",
            name="delayed_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="shipment",
            name="delay_ticket",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="delayed_shipments",
                to="conversations.ticket",
            ),
        ),
        migrations.CreateModel(
            name="CarrierPolicy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=32, unique=True)),
                ("name", models.CharField(max_length=100)),
                ("days_without_event", models.PositiveSmallIntegerField()),
                ("notify_customer", models.BooleanField(default=True)),
                ("active", models.BooleanField(default=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name_plural": "carrier policies"},
        ),
        migrations.CreateModel(
            name="OrderImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.CharField(max_length=32, unique=True)),
                ("filename", models.CharField(max_length=255)),
                ("stored_name", models.CharField(max_length=255)),
                ("size_bytes", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("row_count", models.PositiveIntegerField(default=0)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("previewed", "Previewed"),
                            ("queued", "Queued"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                            ("expired", "Expired"),
                        ],
                        default="previewed",
                        max_length=16,
                    ),
                ),
                ("preview", models.JSONField(blank=True, default=dict)),
                ("result", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(default=sapa.core.clock.now)),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["uploaded_by", "-created_at"], name="orderimport_by_idx")
                ],
            },
        ),
    ]
