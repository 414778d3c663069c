"""Conversations for the team Produk: questions before buying, pre-orders, stock.

Includes an English-speaking customer and a colleague from the warehouse who writes to
support like a customer (an internal customer).
"""

from sapa.channels.kinds import Channel, IdentityKind
from sapa.conversations.models import Priority
from sapa.demo.bookshop import (
    AGUS,
    FITRI,
    JOKO,
    PRODUCT_TEAM,
    SARAH,
    SITI,
)
from sapa.demo.story import (
    PENDING,
    SOLVED,
    Conversation,
    Note,
    Profile,
    Reply,
    Say,
    Update,
    day,
    letter,
)

SITI_CHAT = Conversation(
    "siti-chat",
    SITI,
    Channel.CHAT,
    (
        Say(
            day(2, "13:05"),
            "halo kak, ada buku Laskar Pelangi edisi hard cover?",
            extra=((IdentityKind.EMAIL, SITI.email),),
        ),
        Reply(
            day(2, "13:07"),
            "dimas",
            "Halo Kak Siti! Ada, Kak 😊 Laskar Pelangi edisi hard cover harganya Rp185.000. "
            "Stoknya tinggal 4 eksemplar ya.",
        ),
        Say(day(2, "13:09"), "wah mau kak. bisa kirim ke Medan? ongkirnya brp?"),
        Reply(
            day(2, "13:12"),
            "dimas",
            "Bisa, Kak. Ongkir ke Medan pakai JNE REG Rp38.000, estimasi 3-5 hari kerja. Kakak "
            "bisa checkout langsung di website, ongkirnya otomatis terhitung.",
        ),
        Say(day(2, "13:14"), "oke kak makasih, aku checkout skrg ya"),
        Reply(
            day(2, "13:15"),
            "dimas",
            "Sama-sama, Kak Siti! Jangan lupa selesaikan pembayarannya dalam 24 jam ya, supaya "
            "stoknya tidak lepas. Selamat membaca! 📚",
            status=SOLVED,
        ),
        Update(day(2, "13:16"), "dimas", assignee="dimas", team=PRODUCT_TEAM, tags=("pre-sale",)),
    ),
)

AGUS_TELEGRAM = Conversation(
    "agus-telegram",
    AGUS,
    Channel.TELEGRAM,
    (
        # Agus shared his contact with the shop's bot, so the message carries his number.
        Say(
            day(3, "16:30"),
            "Sore kak, mau tanya. Tetralogi Buru yg box set masih ada? Kalo kirim ke Makassar "
            "brp hari ya?",
            extra=((IdentityKind.PHONE, AGUS.phone),),
        ),
        Update(day(3, "16:35"), "wayan", assignee="wayan", team=PRODUCT_TEAM, tags=("pre-sale",)),
        Note(
            day(3, "16:36"), "wayan", "Sudah cek ke Pak Joko: box set sisa 2, aman untuk 1 pesanan."
        ),
        Reply(
            day(3, "16:38"),
            "wayan",
            "Sore, Kak Agus! Box set Tetralogi Buru masih ada, tinggal 2 set 😊 Harganya "
            "Rp560.000. Pengiriman ke Makassar pakai SiCepat sekitar 3-4 hari kerja, ongkirnya "
            "Rp68.000.",
        ),
        Say(day(3, "16:45"), "oke kak sy order skrg ya"),
        Reply(
            day(3, "16:47"),
            "wayan",
            "Siap, Kak Agus, terima kasih! Pesanan dikirim maksimal 3 hari kerja setelah "
            "pembayaran, nomor resinya nanti dikirim lewat email ya. Selamat membaca! 📚",
            status=SOLVED,
        ),
    ),
)

SARAH_ENGLISH = Conversation(
    "sarah-english",
    SARAH,
    Channel.EMAIL,
    (
        Say(
            day(11, "15:40"),
            letter("""
                Hi there,

                I'm looking for the English translations of Bumi Manusia (This Earth of
                Mankind) and Laskar Pelangi (The Rainbow Troops). Do you have them in stock,
                and do you ship to Singapore? How long would it take?

                Thanks,
                Sarah
            """),
            subject="Shipping to Singapore?",
        ),
        Profile(day(11, "16:10"), "wayan", language="en"),
        Update(
            day(11, "16:12"),
            "wayan",
            priority=Priority.LOW,
            assignee="wayan",
            team=PRODUCT_TEAM,
            tags=("english", "pre-sale"),
        ),
        Reply(
            day(11, "16:30"),
            "wayan",
            letter("""
                Hi Sarah,

                Thank you for reaching out to Toko Buku Sapa! We have both in stock: This
                Earth of Mankind (Penguin edition, Rp210.000) and The Rainbow Troops
                (Rp165.000).

                We ship to Singapore with EMS; it usually takes 5-7 working days and costs
                about Rp285.000 for two books. You can order on our website and choose
                "International shipping" at checkout.

                Best regards,
                Wayan - Toko Buku Sapa
            """),
            status=PENDING,
        ),
        Say(day(10, "09:00"), "Great, thank you Wayan! I'll place the order this weekend."),
        Reply(
            day(10, "09:20"),
            "wayan",
            "You're welcome, Sarah! Happy reading, and let us know if you need anything else.",
            status=SOLVED,
        ),
    ),
)

FITRI_WALKIN = Conversation(
    "fitri-walkin",
    FITRI,
    Channel.WALKIN,
    (
        Say(
            day(4, "11:30"),
            "Kunjungan ke toko Cikini (dicatat kasir): Kak Fitri menanyakan pre-order Negeri 5 "
            "Menara edisi kolektor bertanda tangan Ahmad Fuadi. Minta dikabari lewat email "
            "kalau PO sudah dibuka.",
            subject="Kunjungan toko: pre-order Negeri 5 Menara edisi kolektor",
            extra=((IdentityKind.EMAIL, FITRI.email),),
        ),
        Update(day(4, "11:40"), "wayan", assignee="wayan", team=PRODUCT_TEAM, tags=("pre-order",)),
        Note(
            day(4, "11:44"),
            "wayan",
            "Menurut distributor, PO edisi kolektor dibuka sekitar 2 minggu lagi, kuota 200 "
            "eksemplar. Saya set pending sampai ada tanggal pasti.",
        ),
        Reply(
            day(4, "11:46"),
            "wayan",
            letter("""
                Halo Kak Fitri,

                Terima kasih sudah mampir ke toko kami di Cikini 😊 Pre-order Negeri 5 Menara
                edisi kolektor bertanda tangan rencananya dibuka sekitar dua minggu lagi
                dengan kuota terbatas. Begitu tanggalnya pasti, kami kabari Kakak lewat email
                ini ya.

                Salam hangat,
                Wayan - Toko Buku Sapa
            """),
            status=PENDING,
            channel=Channel.EMAIL,
        ),
    ),
)

JOKO_STOCK = Conversation(
    "joko-stock",
    JOKO,
    Channel.EMAIL,
    (
        Say(
            day(5, "08:15"),
            letter("""
                Tim CS,

                Info dari gudang: stok Tetralogi Buru (box set) tinggal 2. Restock dari
                penerbit estimasi 2 minggu lagi. Tolong jangan dijanjikan ke pelanggan sebelum
                cek ke gudang dulu ya.

                Joko - Gudang Cikarang
            """),
            subject="Stok Tetralogi Buru box set tinggal 2",
        ),
        Profile(
            day(5, "08:30"),
            "sari",
            is_internal=True,
            notes="Kepala gudang Cikarang. Info stok dan pengiriman langsung ke beliau.",
        ),
        Update(
            day(5, "08:31"),
            "sari",
            priority=Priority.LOW,
            assignee="sari",
            team=PRODUCT_TEAM,
            tags=("internal", "stok"),
        ),
        Reply(
            day(5, "08:40"),
            "sari",
            "Siap, Pak Joko. Terima kasih infonya, sudah kami teruskan ke tim Produk 🙏",
            status=SOLVED,
        ),
    ),
)

PRODUCT_CONVERSATIONS = (
    SITI_CHAT,
    AGUS_TELEGRAM,
    SARAH_ENGLISH,
    FITRI_WALKIN,
    JOKO_STOCK,
)
