"""Is a text Indonesian or English? Counted from function words, which every sentence has."""

from sapa.textid.slang import slang_map
from sapa.textid.stopwords import stopwords

# Words that say "English" or "Indonesian" on their own, beyond the stopword lists.
_ENGLISH = frozenset({
    "the", "is", "are", "was", "were", "my", "your", "you", "i", "how", "what", "when",
    "where", "why", "can", "could", "would", "please", "order", "shipping", "delivery",
    "refund", "return", "payment", "account", "password", "thanks", "thank", "hello", "hi",
})  # fmt: skip
_INDONESIAN = frozenset({
    "tidak", "belum", "sudah", "bagaimana", "berapa", "kapan", "kenapa", "apakah", "saya",
    "kakak", "mau", "bisa", "dong", "sih", "pesanan", "barang", "kirim", "bayar", "sampai",
    "terima", "kasih", "tolong", "mohon",
})  # fmt: skip


def detect_language(tokens: list[str], *, default: str = "id") -> str:
    """ "id" or "en" for a tokenised text; `default` when it does not say (too short, mixed)."""
    english_words = stopwords("en") | _ENGLISH
    indonesian_words = stopwords("id") | _INDONESIAN | frozenset(slang_map())
    english = sum(1 for t in tokens if t in english_words and t not in indonesian_words)
    indonesian = sum(1 for t in tokens if t in indonesian_words and t not in english_words)
    if english > indonesian:
        return "en"
    if indonesian > english:
        return "id"
    return default
