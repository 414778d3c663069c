"""split_quoted: what the sender wrote now stays visible; the quoted history, signature and
phone footer below it fold away. Forwards and everything-quoted mail stay whole."""

import pytest

from sapa.channels.email.quoting import split_quoted

QUOTE = "> Pesanan saya INV-1001 belum sampai.\n> Mohon dicek.\n"


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 3 Nov 2026 at 10:12, Toko Buku Sapa <cs@tokobuku.test> wrote:",
        "On Mon, Nov 3, 2026 at 10:12 AM Toko Buku Sapa <cs@tokobuku.test>\nwrote:",
        "On Monday, November 3, 2026, 10:12:00 AM GMT+7, Toko <\ncs@tokobuku.test> wrote:",
        "Pada Sen, 3 Nov 2026 10.12, Toko Buku Sapa <cs@tokobuku.test> menulis:",
        "Pada tanggal Sen, 3 Nov 2026 pukul 10.12 Toko Buku Sapa <cs@tokobuku.test>\nmenulis:",
        "Pada hari ini Toko Buku Sapa <cs@tokobuku.test> menulis:",
        "Le lun. 3 nov. 2026 à 10:12, Toko <cs@tokobuku.test> a écrit :",
    ],
)
def test_an_attributed_quote_below_the_reply_is_folded(attribution):
    text = f"Sudah sampai, terima kasih!\n\n{attribution}\n{QUOTE}"

    visible, folded = split_quoted(text)

    assert visible == "Sudah sampai, terima kasih!"
    assert folded == f"{attribution}\n{QUOTE}".strip()


@pytest.mark.parametrize(
    "history",
    [
        "-----Original Message-----\nFrom: Toko <cs@tokobuku.test>\nSent: Monday\n\nHalo",
        "-----Pesan Asli-----\nDari: Toko <cs@tokobuku.test>\nDikirim: Senin\n\nHalo",
        "----- Original Message -----\nFrom: cs@tokobuku.test\n\nHalo",
        "________________________________\nFrom: Toko <cs@tokobuku.test>\n"
        "Sent: Monday, November 3, 2026 10:12 AM\nTo: Budi\nSubject: Pesanan\n\nHalo",
        "*From:* Toko <cs@tokobuku.test>\n*Sent:* Monday\n*To:* Budi\n\nHalo",
        "Dari: Toko Buku Sapa <cs@tokobuku.test>\nTerkirim: Senin, 3 November 2026\n"
        "Kepada: Budi\nSubjek: Pesanan\n\nHalo",
        "From: Toko Buku Sapa <cs@tokobuku.test>\nDate: Monday, 3 November 2026 at 10:12\n"
        "To: Budi\nSubject: Re: Pesanan\n\nHalo",
    ],
)
def test_outlook_style_history_is_folded(history):
    visible, folded = split_quoted(f"Baik, saya tunggu.\n\n{history}\n")

    assert visible == "Baik, saya tunggu."
    assert folded == history


def test_the_outlook_rule_above_the_header_block_is_folded_with_it():
    visible, folded = split_quoted("Oke.\n\n_____________\n\nFrom: A <a@b.test>\nSent: Mon\n\nx")

    assert visible == "Oke."
    assert folded.startswith("_____________")


@pytest.mark.parametrize(
    "marker",
    [
        "---------- Forwarded message ---------",
        "-------- Pesan Terusan --------",
        "Begin forwarded message:",
    ],
)
def test_a_forward_is_content_not_history(marker):
    text = (
        f"Tolong dibantu ya.\n\n-- \nBudi\n\n{marker}\nFrom: Ani <ani@example.test>\n"
        "Date: Mon, 3 Nov 2026\nSubject: Buku rusak\n\nBukunya sobek.\n\n"
        "On Sun, 2 Nov 2026, Toko <cs@tokobuku.test> wrote:\n> Halo\n"
    )

    assert split_quoted(text) == (text.strip(), "")


def test_a_quoted_forward_below_the_reply_is_history():
    text = (
        "Sudah saya cek.\n\nOn Mon, 3 Nov 2026, Budi <budi@gmail.test> wrote:\n"
        "> ---------- Forwarded message ---------\n> From: Ani\n"
    )

    assert split_quoted(text)[0] == "Sudah saya cek."


def test_the_signature_after_the_delimiter_is_folded():
    visible, folded = split_quoted("Siap kak.\n\n-- \nBudi Santoso\n0812-3456-7890\n")

    assert visible == "Siap kak."
    assert folded == "-- \nBudi Santoso\n0812-3456-7890"


@pytest.mark.parametrize(
    "footer",
    [
        "Sent from my iPhone",
        "Sent from my Samsung Galaxy smartphone.",
        "Dikirim dari iPhone saya",
        "Dikirim dari Yahoo Mail di Android",
        "Sent from Mail for Windows",
        "Get Outlook for Android",
        "Sent from Yahoo Mail on Android",
    ],
)
def test_phone_and_app_footers_are_folded(footer):
    attribution = "On Mon, 3 Nov 2026, Toko <cs@tokobuku.test> wrote:"
    text = f"Oke kak, ditunggu.\n\n{footer}\n\n{attribution}\n{QUOTE}"

    visible, folded = split_quoted(text)

    assert visible == "Oke kak, ditunggu."
    assert folded.startswith(footer)


@pytest.mark.parametrize(
    "text",
    [
        "Dikirim dari Jakarta kemarin sore, resi JNE 123.\nTolong dicek.",
        "Sent via JNE yesterday, resi 123.\nThanks.",
        "From: Jakarta I ordered two books.\nPlease check.",
        "On the other hand, my colleague wrote:\n> it is fine\nso which is it?",
    ],
)
def test_ordinary_sentences_are_not_taken_for_history_or_footers(text):
    assert split_quoted(text) == (text, "")


def test_a_trailing_quote_without_attribution_is_folded():
    visible, folded = split_quoted(f"Terima kasih.\n\n{QUOTE}\n\n")

    assert (visible, folded) == ("Terima kasih.", QUOTE.strip())


def test_an_unknown_attribution_directly_above_a_trailing_quote_goes_with_it():
    text = f"Baik.\n2026-11-03 10:12 GMT+07:00 Toko <cs@tokobuku.test>:\n{QUOTE}"

    visible, folded = split_quoted(text)

    assert visible == "Baik."
    assert folded.startswith("2026-11-03")


def test_answers_between_quoted_lines_stay_visible():
    text = (
        "Jawaban saya di bawah.\n\nOn Mon, 3 Nov 2026, Toko <cs@tokobuku.test> wrote:\n"
        "> Nomor pesanan?\nINV-1001\n> Alamat?\nJl. Merdeka 1\n"
    )

    assert split_quoted(text) == (text.strip(), "")


def test_a_mail_that_is_all_quote_stays_visible():
    text = f"On Mon, 3 Nov 2026, Toko <cs@tokobuku.test> wrote:\n{QUOTE}"

    assert split_quoted(text) == (text.strip(), "")


def test_crlf_and_surrounding_blank_lines_are_trimmed():
    visible, folded = split_quoted("\r\n\r\n  Siap.\r\n\r\n> lama\r\n")

    assert (visible, folded) == ("Siap.", "> lama")


def test_empty_text_stays_empty():
    assert split_quoted("") == ("", "")
