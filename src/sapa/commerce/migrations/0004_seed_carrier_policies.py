"""Data: delay thresholds for the common Indonesian carriers (days without a tracking event
before a parcel counts as delayed). Operators change them in the admin."""

from django.db import migrations

POLICIES = [
    # code, name, days without an event
    ("jne", "JNE", 3),
    ("jnt", "J&T Express", 3),
    ("sicepat", "SiCepat", 3),
    ("anteraja", "AnterAja", 3),
    ("pos", "Pos Indonesia", 5),
    ("gosend", "GoSend", 1),
    ("grabexpress", "GrabExpress", 1),
    ("ninja", "Ninja Xpress", 4),
    ("tiki", "TIKI", 4),
    ("lion", "Lion Parcel", 4),
    ("spx", "SPX Express", 3),
    ("idexpress", "ID Express", 4),
    ("wahana", "Wahana", 5),
]


def seed(apps, schema_editor):
    CarrierPolicy = apps.get_model("commerce", "CarrierPolicy")
    for code, name, days in POLICIES:
        CarrierPolicy.objects.get_or_create(
            code=code, defaults={"name": name, "days_without_event": days}
        )


def unseed(apps, schema_editor):
    CarrierPolicy = apps.get_model("commerce", "CarrierPolicy")
    CarrierPolicy.objects.filter(code__in=[code for code, _name, _days in POLICIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("commerce", "0003_fill_carrier_codes")]

    operations = [migrations.RunPython(seed, unseed)]
