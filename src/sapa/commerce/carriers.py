"""Carrier names as shops write them ("J&T", "jnt", "JNT Express") normalised to one code.

The code identifies a carrier: shipments are unique per (carrier code, tracking number), and
the delay policy (CarrierPolicy) is looked up by it. An unknown carrier gets a code made from
its name (letters and digits, lower case), so it still identifies itself consistently.
"""

import re
import unicodedata

# Known carriers: code -> the names and spellings shops use (compared after `_squash`).
KNOWN_CARRIERS: dict[str, tuple[str, ...]] = {
    "jne": ("jne", "jne express", "jne reg", "jne yes", "jne oke", "jalur nugraha ekakurir"),
    "jnt": ("j&t", "jnt", "j&t express", "jnt express", "j and t", "jt express", "j&t cargo"),
    "sicepat": ("sicepat", "si cepat", "sicepat ekspres", "sicepat express", "sicepat halu"),
    "anteraja": ("anteraja", "anter aja", "anteraja reguler"),
    "pos": ("pos", "pos indonesia", "pos id", "posindonesia", "pos kilat", "pos kilat khusus"),
    "gosend": ("gosend", "go send", "gojek", "go-send", "gosend instant", "gosend sameday"),
    "grabexpress": ("grabexpress", "grab express", "grab", "grab instant", "grab sameday"),
    "ninja": ("ninja", "ninja xpress", "ninja express", "ninjavan", "ninja van"),
    "tiki": ("tiki", "titipan kilat"),
    "lion": ("lion", "lion parcel"),
    "spx": ("spx", "shopee express", "spx express", "shopee xpress"),
    "idexpress": ("idexpress", "id express", "idx"),
    "wahana": ("wahana", "wahana express"),
}

_ALIASES = {
    re.sub(r"[^a-z0-9&]", "", name): code
    for code, names in KNOWN_CARRIERS.items()
    for name in names
}


def _squash(name: str) -> str:
    """Lower case, accents stripped, only letters, digits and '&' kept."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9&]", "", ascii_name.lower())


def carrier_code(name: str) -> str:
    """The code of the carrier a shop calls `name`: "J&T Express" -> "jnt".

    Unknown names give their own squashed form ("Kurir Toko" -> "kurirtoko", at most 32
    characters); an empty name gives "unknown".
    """
    squashed = _squash(name)
    if squashed in _ALIASES:
        return _ALIASES[squashed]
    # "JNE REG 2 hari", "SiCepat BEST": a known name followed by the service.
    for alias, code in sorted(_ALIASES.items(), key=lambda item: -len(item[0])):
        if len(alias) >= 4 and squashed.startswith(alias):
            return code
    code = squashed.replace("&", "")[:32]
    return code or "unknown"
