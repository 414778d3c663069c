"""The demo shop's store and kiosk, so the walk-in screen has somewhere to log visits."""

from sapa.channels.walkin.locations import LocationSettings, save_location
from sapa.channels.walkin.models import LocationKind, StoreLocation
from sapa.core.actors import Actor

STORES = (
    LocationSettings(
        code="JKT-KMG",
        name="Toko Buku Sapa Kemang",
        kind=LocationKind.STORE,
        address="Jl. Kemang Raya No. 8, Jakarta Selatan",
    ),
    LocationSettings(
        code="BDG-KIOS",
        name="Kios Stasiun Bandung",
        kind=LocationKind.KIOSK,
        address="Stasiun Bandung, Jl. Kebon Kawung No. 43",
    ),
)


def load_stores(actor: Actor) -> None:
    for store in STORES:
        if not StoreLocation.objects.filter(code=store.code).exists():
            save_location(store, actor=actor)
