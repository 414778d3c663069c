"""Conversations for the team Pembayaran: transfer confirmations, refunds, a corporate order.

Dewi, whose refund went astray, writes from a new phone number and then fills in the web form
with her email and that number: one message naming two customers, so Sapa suggests merging
them (and leaves the decision to a person).
"""

from sapa.channels.kinds import Channel, IdentityKind
from sapa.conversations.models import Priority
from sapa.demo.bookshop import (
    BUDI,
    DEWI,
    DEWI_NEW_NUMBER,
    PAYMENT_TEAM,
    RIZKY,
)
from sapa.demo.story import (
    PENDING,
    SOLVED,
    Conversation,
    Note,
    Reply,
    Say,
    Update,
    day,
    letter,
)

BUDI_PAYMENT = Conversation(
    "budi-payment",
    BUDI,
    Channel.WHATSAPP,
    (
        Say(
            day(1, "08:47"),
            "kak udh tf tp blm dikonfirmasi, pesanan INV-10502. tf nya semalem jam 9an ke BCA",
        ),
        Say(day(1, "08:48"), "nominalnya 252rb ya kak"),
        Update(day(1, "09:05"), "putri", assignee="putri", team=PAYMENT_TEAM, tags=("pembayaran",)),
        Reply(
            day(1, "09:07"),
            "putri",
            "Halo Kak Budi, terima kasih sudah menghubungi Toko Buku Sapa 😊 Mohon maaf "
            "menunggu, Kak. Kami cek mutasi rekening dulu ya, mohon ditunggu sebentar 🙏",
        ),
        Reply(
            day(1, "09:32"),
            "putri",
            "Kak Budi, pembayaran Rp252.000 untuk pesanan INV-10502 sudah kami terima dan "
            "terkonfirmasi ✅ Transfer di atas jam 21.00 memang baru tercatat di mutasi pagi "
            "harinya, Kak. Pesanan akan dikemas dan dikirim maksimal 1x24 jam ya. Terima kasih!",
            status=SOLVED,
        ),
        Say(day(1, "09:35"), "siap kak makasih 👍"),
        Update(day(1, "09:40"), "putri", status=SOLVED),
    ),
)

# Dewi writes from her new number: Sapa does not know it, so this is a new customer.
DEWI_WHATSAPP = Conversation(
    "dewi-whatsapp",
    DEWI_NEW_NUMBER,
    Channel.WHATSAPP,
    (
        Say(
            day(2, "19:30"),
            "kak, sy Dewi yg retur buku Cantik Itu Luka kmrn. refundnya udh ditransfer blm ya? "
            "sampe skrg blm masuk ke rek sy",
        ),
        Update(day(1, "09:08"), "putri", assignee="putri", team=PAYMENT_TEAM, tags=("refund",)),
        Reply(
            day(1, "09:10"),
            "putri",
            "Halo Kak Dewi, mohon maaf atas ketidaknyamanannya 🙏 Boleh dibantu nomor pesanan "
            "dan email yang dipakai saat belanja, Kak? Nomor ini belum terdaftar di data "
            "pesanan kami.",
        ),
        Say(
            day(1, "09:20"),
            f"INV-10245 kak, emailnya {DEWI.email}. sy isi form di web jg ya biar lengkap",
        ),
        Note(
            day(1, "10:05"),
            "putri",
            "Dilanjutkan di tiket form web Kak Dewi. Sapa menyarankan menggabungkan pelanggan "
            "ini dengan data lama Kak Dewi (nomor HP-nya ganti); tolong dicek supervisor.",
        ),
        Update(day(1, "10:06"), "putri", status=SOLVED),
    ),
)

# The web form names Dewi's email (her old record) and her new number (the WhatsApp record):
# one message, two customers, so Sapa suggests merging them.
DEWI_WEB_FORM = Conversation(
    "dewi-web",
    DEWI,
    Channel.WEB,
    (
        Say(
            day(1, "09:25"),
            letter(f"""
                Nama: Dewi Anggraini
                Email: {DEWI.email}
                No. HP: {DEWI_NEW_NUMBER.phone}
                No. pesanan: INV-10245

                Saya retur buku Cantik Itu Luka dan katanya refund sudah ditransfer, tapi
                sampai sekarang belum masuk. Saya sudah ganti nomor HP, yang lama tidak aktif.
            """),
            subject="Refund pesanan INV-10245 belum masuk",
            extra=((IdentityKind.PHONE, DEWI_NEW_NUMBER.phone),),
        ),
        Update(
            day(1, "09:50"),
            "putri",
            priority=Priority.HIGH,
            assignee="putri",
            team=PAYMENT_TEAM,
            tags=("refund",),
        ),
        Note(
            day(1, "09:58"),
            "putri",
            "Cek mutasi: transfer refund Rp143.000 DIKEMBALIKAN bank, nomor rekening di email "
            "retur kurang satu digit (523108877). Perlu konfirmasi ulang nomor rekening.",
        ),
        Reply(
            day(1, "10:02"),
            "putri",
            letter("""
                Halo Kak Dewi,

                Mohon maaf atas ketidaknyamanannya. Kami sudah cek: transfer refund Rp143.000
                ternyata dikembalikan oleh bank karena nomor rekening yang kami terima kurang
                satu digit (523108877).

                Boleh dibantu konfirmasi ulang nomor rekening BCA Kakak? Begitu kami terima,
                refund langsung kami transfer ulang di hari yang sama.

                Salam,
                Putri - Toko Buku Sapa
            """),
            status=PENDING,
        ),
    ),
)

RIZKY_CORPORATE = Conversation(
    "rizky-corporate",
    RIZKY,
    Channel.WEB,
    (
        Say(
            day(9, "10:10"),
            letter("""
                Selamat pagi,

                Kami dari PT Maju Bersama ingin membeli 25 eksemplar buku Filosofi Teras untuk
                hadiah karyawan. Apakah ada harga khusus untuk pembelian dalam jumlah banyak,
                dan apakah bisa dibuatkan faktur pajak?

                Terima kasih,
                Rizky Ramadhan
                HRD PT Maju Bersama
            """),
            subject="Pembelian 25 eksemplar Filosofi Teras untuk kantor",
        ),
        Update(
            day(9, "10:40"),
            "sari",
            priority=Priority.HIGH,
            assignee="putri",
            team=PAYMENT_TEAM,
            tags=("b2b", "pre-sale"),
        ),
        Note(
            day(9, "10:41"),
            "sari",
            "Put, tolong dibantu ya. Pembelian korporat di atas 20 eksemplar boleh diskon 15% "
            "dan gratis ongkir ke Jabodetabek.",
        ),
        Reply(
            day(9, "11:00"),
            "putri",
            letter("""
                Selamat siang Bapak Rizky,

                Terima kasih sudah menghubungi Toko Buku Sapa. Untuk pembelian 25 eksemplar
                Filosofi Teras kami berikan harga khusus Rp83.300 per buku (diskon 15%) dan
                gratis ongkir ke Jakarta, total Rp2.082.500.

                Faktur pajak bisa kami buatkan. Mohon kirimkan NPWP dan alamat lengkap
                perusahaan, nanti pesanannya kami buat atas nama PT Maju Bersama.

                Hormat kami,
                Putri - Toko Buku Sapa
            """),
            status=PENDING,
        ),
        Say(
            day(9, "14:00"),
            letter("""
                Terima kasih Mbak Putri.

                NPWP: 01.234.567.8-901.000
                Alamat: PT Maju Bersama, Jl. Jenderal Sudirman Kav. 10, Jakarta Selatan 12190

                Silakan diproses.

                Salam,
                Rizky
            """),
            subject="Re: Pembelian 25 eksemplar Filosofi Teras untuk kantor",
            channel=Channel.EMAIL,
        ),
        Note(
            day(8, "09:05"),
            "putri",
            "Pesanan INV-10452 sudah dibuat atas nama PT Maju Bersama, invoice dikirim ke "
            "email Pak Rizky.",
        ),
        Reply(
            day(8, "13:10"),
            "putri",
            "Bapak Rizky, pembayaran Rp2.082.500 untuk pesanan INV-10452 sudah kami terima. "
            "Terima kasih! Faktur pajak kami kirim terpisah paling lambat 3 hari kerja. Karena "
            "jumlahnya banyak, stok kami ambil langsung dari penerbit; estimasi dikirim minggu "
            "depan.",
            status=SOLVED,
        ),
        Note(
            day(1, "16:05"),
            "putri",
            "Stok 25 eksemplar sudah datang dari penerbit dan pesanan INV-10452 sudah dikemas. "
            "Pickup kurir besok pagi.",
        ),
    ),
)

PAYMENT_CONVERSATIONS = (
    BUDI_PAYMENT,
    DEWI_WHATSAPP,
    DEWI_WEB_FORM,
    RIZKY_CORPORATE,
)
