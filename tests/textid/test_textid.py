"""sapa.textid on the way customers really write."""

import pytest

from sapa.textid import analyse, detect_language, expand_slang, normalise, stem, tokenise
from sapa.textid.slang import slang_map
from sapa.textid.stopwords import stopwords


def test_normalise_lowercases_strips_accents_and_squeezes_emphasis():
    assert normalise("Pesanan LAMAAAA bangeeet, Café!") == "pesanan lama banget, cafe!"
    # real doubled letters stay
    assert normalise("Saat itu") == "saat itu"
    # full-width and compatibility forms fold (NFKC)
    assert normalise("\uff2f\uff2e\uff27\uff2b\uff29\uff32") == "ongkir"


def test_tokenise_splits_words_and_folds_reduplication():
    assert tokenise(normalise("barang2 & buku-buku, no. resi: JNE123")) == [
        "barang",
        "buku",
        "no",
        "resi",
        "jne123",
    ]
    assert tokenise("kupu-kupu") == ["kupu"]
    assert tokenise("tanya-jawab") == ["tanya-jawab"]
    assert tokenise("") == []


@pytest.mark.parametrize(
    ("slang", "standard"),
    [
        ("gak", "tidak"),
        ("ga", "tidak"),
        ("nggak", "tidak"),
        ("udh", "sudah"),
        ("blm", "belum"),
        ("brp", "berapa"),
        ("gmn", "bagaimana"),
        ("tf", "transfer"),
        ("ongkir", "ongkos kirim"),
        ("brg", "barang"),
        ("sy", "saya"),
    ],
)
def test_slang_the_issue_names_maps_to_standard_indonesian(slang, standard):
    assert expand_slang([slang]) == standard.split()


def test_the_slang_dictionary_is_large_and_clean():
    mapping = slang_map()
    assert len(mapping) >= 400
    for slang, standard in mapping.items():
        assert slang == slang.strip().lower(), slang
        assert slang
        assert standard != (slang,), slang
        assert standard


def test_stopwords_keep_words_that_change_a_question():
    indonesian = stopwords("id")
    for kept in ("tidak", "belum", "sudah", "berapa", "bagaimana", "kapan", "kirim", "bayar"):
        assert kept not in indonesian
    for dropped in ("yang", "dan", "dong", "sih", "nih"):
        assert dropped in indonesian
    assert "not" not in stopwords("en")
    assert "the" in stopwords("en")


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("pengiriman", "kirim"),
        ("dikirim", "kirim"),
        ("pesanan", "pesan"),
        ("membayar", "bayar"),
        ("pengembalian", "kembali"),
        ("dikonfirmasi", "konfirmasi"),
        ("barangnya", "barang"),
    ],
)
def test_sastrawi_stems_indonesian_words(word, base):
    assert stem(word) == base


def test_stemming_is_cached():
    stem.cache_clear()
    stem("pengirimannya")
    stem("pengirimannya")
    info = stem.cache_info()
    assert (info.hits, info.misses) == (1, 1)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("min, pesanan sy blm sampe, gmn ya?", "id"),
        ("udh tf tp blm dikonfirmasi", "id"),
        ("ongkir ke medan brp kak", "id"),
        ("Where is my order? It was shipped last week", "en"),
        ("How can I return a damaged book, please?", "en"),
    ],
)
def test_language_is_detected_per_text(text, language):
    assert detect_language(tokenise(normalise(text))) == language
    assert analyse(text).language == language


def test_casual_and_formal_questions_meet_on_the_same_terms():
    """What search relies on: the customer's casual words and the article's formal ones
    analyse to the same terms."""
    casual = set(analyse("gmn cara retur brg yg udh dikirim?").terms)
    formal = set(analyse("Bagaimana cara mengembalikan (retur) barang yang sudah dikirimkan").terms)
    assert {"bagaimana", "cara", "retur", "barang", "sudah", "kirim"} <= casual
    assert {"bagaimana", "cara", "retur", "barang", "sudah", "kirim"} <= formal


def test_shipping_cost_slang_finds_the_formal_words():
    terms = analyse("ongkir ke medan brp?").terms
    assert terms[:2] == ("ongkos", "kirim")
    assert "berapa" in terms
    assert "medan" in terms


def test_english_text_is_lightly_stemmed_and_keeps_negation():
    result = analyse("My orders have not arrived", language="en")
    assert result.terms == ("order", "not", "arriv")


def test_empty_and_symbol_only_text():
    assert analyse("").terms == ()
    assert analyse("?!... 🙏🙏").terms == ()
