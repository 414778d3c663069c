from sapa.textid import translate_english
from sapa.textid.glossary import glossary


def test_english_service_words_become_indonesian() -> None:
    assert translate_english(["refund", "my", "order"]) == [
        "refund",
        "pengembalian",
        "dana",
        "pesanan",
    ]
    assert translate_english(["tracking"]) == ["lacak", "resi"]


def test_unknown_words_are_dropped_and_entries_are_well_formed() -> None:
    assert translate_english(["hello", "weather"]) == []
    entries = glossary()
    assert len(entries) > 100
    assert all(key == key.lower() and values for key, values in entries.items())
