"""Conversations for the team Pesanan & Pengiriman: parcels, returns, cancellations.

The heart of the demo is Rina: her parcel has been stuck at the Cakung hub for six days, and
she has asked on WhatsApp, called twice and finally written an email. Four channels, one
customer, one history. Around her: a return that turns into a refund, a cancellation, a happy
reader and a customer asking after her parcel just now.

Customers write the way people write on their phones; agents answer in polite service
Indonesian.
"""

from sapa.channels.kinds import Channel, IdentityKind
from sapa.conversations.models import Priority, TicketStatus
from sapa.demo.bookshop import (
    DEWI,
    HENDRA,
    NUR,
    PAYMENT_TEAM,
    RINA,
    SHIPPING_TEAM,
    YUSUF,
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
    ago,
    day,
    letter,
)

RINA_WHATSAPP = Conversation(
    "rina-whatsapp",
    RINA,
    Channel.WHATSAPP,
    (
        Say(
            day(5, "09:12"),
            "min, pesanan sy INV-10398 blm sampe, gmn ya? udh 4 hari dr dikirim, "
            "di web JNE statusnya transit terus",
        ),
        Update(day(5, "09:35"), "andi", assignee="andi", team=SHIPPING_TEAM, tags=("pengiriman",)),
        Reply(
            day(5, "09:41"),
            "andi",
            "Halo Kak Rina, mohon maaf atas ketidaknyamanannya 🙏 Kami sudah cek, paket Kakak "
            "dengan resi JNE 011230045991234 terakhir tercatat transit di Hub Cakung, Jakarta "
            "Timur. Kami bantu tanyakan langsung ke pihak JNE ya, Kak. Kabar selanjutnya kami "
            "sampaikan paling lambat besok siang.",
            status=PENDING,
        ),
        Say(day(5, "09:50"), "ok min ditunggu ya, itu buat kado ultah suami sy soalnya 😢"),
        Note(
            day(5, "09:58"),
            "andi",
            "Sudah lapor ke JNE lewat portal mitra, no. laporan JNE-CS-5519203. Resi tidak ada "
            "update sejak transit Cakung. Janji ke pelanggan: kabar besok siang.",
        ),
        Update(day(5, "09:59"), "andi", status=PENDING),
    ),
)

RINA_FIRST_CALL = Conversation(
    "rina-call-1",
    RINA,
    Channel.PHONE,
    (
        Say(
            day(3, "14:20"),
            "Telepon masuk (3 menit): Ibu Rina menanyakan paket INV-10398 yang belum sampai, "
            "dijanjikan dicek ke kurir.",
        ),
        Update(
            day(3, "14:25"), "dimas", assignee="dimas", team=SHIPPING_TEAM, tags=("pengiriman",)
        ),
        Note(
            day(3, "14:27"),
            "dimas",
            "Pelanggan kecewa: dua hari lalu dijanjikan kabar lewat WA, tapi belum ada "
            "follow-up. Laporan JNE-CS-5519203 belum dijawab JNE. Saya janjikan kabar lewat "
            "email sore ini.",
        ),
        Reply(
            day(3, "16:10"),
            "dimas",
            letter("""
                Halo Kak Rina,

                Menindaklanjuti telepon Kakak siang tadi: kami sudah menghubungi JNE kembali
                untuk paket INV-10398 (resi 011230045991234). Menurut JNE, paket sedang
                ditelusuri di Hub Cakung dan kabarnya akan disampaikan dalam 1x24 jam.

                Mohon maaf atas keterlambatan kabar dari kami sebelumnya, Kak. Kami pantau
                terus sampai paketnya tiba.

                Salam,
                Dimas - Toko Buku Sapa
            """),
            status=PENDING,
            channel=Channel.EMAIL,
        ),
    ),
)

RINA_SECOND_CALL = Conversation(
    "rina-call-2",
    RINA,
    Channel.PHONE,
    (
        Say(
            day(1, "11:05"),
            "Telepon masuk (6 menit): Ibu Rina menelepon kedua kalinya soal paket INV-10398. "
            "Paket belum bergerak sejak transit di Hub Cakung dan JNE belum memberi kabar. Ibu "
            "Rina kecewa dan minta kepastian: dikirim ulang atau uang kembali.",
        ),
        Update(
            day(1, "11:15"),
            "sari",
            status=TicketStatus.OPEN,
            priority=Priority.HIGH,
            assignee="sari",
            team=SHIPPING_TEAM,
            tags=("pengiriman", "eskalasi"),
        ),
        Note(
            day(1, "11:20"),
            "sari",
            "Saya ambil alih. JNE belum menjawab laporan JNE-CS-5519203 selama 4 hari. Usul: "
            "kirim ulang keempat buku pakai SiCepat BEST, biaya kita tanggung; klaim ke JNE "
            "jalan terus. Dimas, tolong cek stok 4 judul Tetralogi Buru (satuan) ke gudang.",
        ),
        Note(
            day(1, "15:40"),
            "dimas",
            "Stok 4 judul aman. Pak Joko sudah menyiapkan paket pengganti di gudang, tinggal "
            "menunggu persetujuan pelanggan.",
        ),
    ),
)

RINA_EMAIL = Conversation(
    "rina-email",
    RINA,
    Channel.EMAIL,
    (
        Say(
            ago(95),
            letter("""
                Kepada Toko Buku Sapa,

                Saya ingin menyampaikan keluhan resmi. Pesanan saya INV-10398 (Tetralogi Buru,
                Rp632.000) sudah dikirim 9 hari yang lalu, tetapi sampai hari ini belum saya
                terima. Menurut pelacakan JNE, paket terakhir tercatat transit di Hub Cakung
                enam hari lalu dan tidak bergerak sejak itu.

                Saya sudah menghubungi lewat WhatsApp dan dua kali menelepon, tetapi belum ada
                kepastian. Buku ini untuk hadiah ulang tahun suami saya. Mohon segera diberikan
                solusi: dikirim ulang atau uang dikembalikan.

                Hormat saya,
                Rina Kurniawati
            """),
            subject="Komplain: pesanan INV-10398 belum diterima",
        ),
        Update(
            ago(80),
            "sari",
            status=TicketStatus.OPEN,
            priority=Priority.URGENT,
            assignee="sari",
            team=SHIPPING_TEAM,
            tags=("pengiriman", "eskalasi", "vip"),
        ),
        Profile(
            ago(79),
            "sari",
            notes="Pelanggan setia sejak INV-10112. Paket INV-10398 tertahan di Hub Cakung: "
            "tawarkan kirim ulang via SiCepat.",
            tags=("vip",),
        ),
        Note(
            ago(75),
            "sari",
            "Pelanggan yang sama dengan chat WA 5 hari lalu dan dua telepon (3 hari lalu dan "
            "kemarin): seluruh riwayatnya ada di profil pelanggan, jangan ditanya ulang. Paket "
            "pengganti sudah siap di gudang; saya balas setelah ongkir SiCepat dikonfirmasi.",
        ),
    ),
)

NUR_TELEGRAM = Conversation(
    "nur-telegram",
    NUR,
    Channel.TELEGRAM,
    (
        Say(
            ago(40),
            "kak pesanan aku INV-10471 kapan dikirim ya? udh 3 hari blm ada resi 😥",
            extra=((IdentityKind.PHONE, NUR.phone),),
        ),
    ),
)

DEWI_RETURN = Conversation(
    "dewi-return",
    DEWI,
    Channel.EMAIL,
    (
        Say(
            day(12, "10:20"),
            letter("""
                Selamat siang Toko Buku Sapa,

                Saya sudah menerima pesanan INV-10245 kemarin. Sayangnya buku Cantik Itu Luka
                yang saya terima cacat: halaman 120-136 terbalik dan beberapa sobek. Apakah
                bisa diretur dan uangnya dikembalikan?

                Terima kasih,
                Dewi Anggraini
            """),
            subject="Retur buku Cantik Itu Luka - halaman rusak",
        ),
        Update(day(12, "10:40"), "andi", assignee="andi", team=SHIPPING_TEAM, tags=("retur",)),
        Reply(
            day(12, "10:45"),
            "andi",
            letter("""
                Halo Kak Dewi,

                Mohon maaf atas ketidaknyamanannya, Kak. Kami bantu proses retur untuk buku
                Cantik Itu Luka ya.

                Silakan kirim kembali bukunya ke Gudang Toko Buku Sapa, Kawasan Industri
                Jababeka, Cikarang, Bekasi, dengan mencantumkan kode retur RTR-10245 di paket.
                Ongkos kirim retur akan kami ganti.

                Setelah buku kami terima, dana Rp125.000 ditambah ongkir retur kami kembalikan
                ke rekening Kakak dalam 3-5 hari kerja. Mohon dibantu info nomor rekening untuk
                refund ya, Kak.

                Salam,
                Andi - Toko Buku Sapa
            """),
            status=PENDING,
        ),
        Say(
            day(12, "11:30"),
            letter("""
                Baik, terima kasih atas responsnya. Bukunya saya kirim besok lewat JNE.
                Rekening untuk refund: BCA 523108877 a.n. Dewi Anggraini.
            """),
        ),
        Reply(
            day(12, "11:40"),
            "andi",
            "Terima kasih, Kak Dewi. Data rekening sudah kami catat. Kami kabari lagi begitu "
            "bukunya sampai di gudang ya 🙏",
            status=PENDING,
        ),
        Note(
            day(9, "15:10"),
            "andi",
            "Buku retur RTR-10245 sudah diterima gudang, kondisinya sesuai laporan (cacat "
            "produksi). Mohon dioper ke tim Pembayaran untuk refund Rp125.000 + ongkir retur "
            "Rp18.000.",
        ),
        # Giving a ticket to a colleague is a supervisor's call.
        Update(day(9, "15:30"), "sari", assignee="putri", team=PAYMENT_TEAM, tags=("refund",)),
        Reply(
            day(8, "10:00"),
            "putri",
            letter("""
                Halo Kak Dewi,

                Refund sebesar Rp143.000 (buku Rp125.000 + ongkir retur Rp18.000) sudah kami
                transfer ke rekening BCA a.n. Dewi Anggraini hari ini. Dana biasanya masuk
                dalam 1x24 jam.

                Sekali lagi mohon maaf atas ketidaknyamanannya, dan terima kasih sudah
                berbelanja di Toko Buku Sapa.

                Salam,
                Putri - Toko Buku Sapa
            """),
            status=SOLVED,
        ),
    ),
)

HENDRA_CANCELLATION = Conversation(
    "hendra-cancel",
    HENDRA,
    Channel.EMAIL,
    (
        Say(
            day(10, "21:20"),
            letter("""
                Selamat malam,

                Saya salah pilih buku, mohon pesanan INV-10401 dibatalkan saja. Belum saya
                bayar.

                Terima kasih,
                Hendra
            """),
            subject="Mohon batalkan pesanan INV-10401",
        ),
        Update(day(9, "08:25"), "andi", assignee="andi", team=SHIPPING_TEAM, tags=("pembatalan",)),
        Reply(
            day(9, "08:30"),
            "andi",
            letter("""
                Selamat pagi Kak Hendra,

                Pesanan INV-10401 sudah kami batalkan ya, Kak. Karena belum ada pembayaran,
                tidak ada dana yang perlu dikembalikan.

                Kalau Kakak mencari buku Ahmad Tohari yang lain, kabari kami saja, dengan
                senang hati kami bantu carikan 😊

                Salam,
                Andi - Toko Buku Sapa
            """),
            status=SOLVED,
        ),
        Update(day(5, "08:35"), None, status=TicketStatus.CLOSED),
    ),
)

YUSUF_THANKS = Conversation(
    "yusuf-thanks",
    YUSUF,
    Channel.WHATSAPP,
    (
        Say(
            day(11, "12:05"),
            "Makasih min, bukunya udh sampe 🙏 packingnya rapi bgt, pake bubble wrap segala. "
            "Pasti order lg!",
        ),
        Reply(
            day(11, "12:20"),
            "dimas",
            "Sama-sama, Kak Yusuf! Senang sekali bukunya sampai dengan aman 😊 Terima kasih "
            "sudah berbelanja di Toko Buku Sapa. Selamat membaca, ditunggu order berikutnya "
            "ya, Kak! 📚",
            status=SOLVED,
        ),
        Update(day(11, "12:21"), "dimas", assignee="dimas", tags=("testimoni",)),
        Update(day(7, "12:30"), None, status=TicketStatus.CLOSED),
    ),
)

SHIPPING_CONVERSATIONS = (
    RINA_WHATSAPP,
    RINA_FIRST_CALL,
    RINA_SECOND_CALL,
    RINA_EMAIL,
    NUR_TELEGRAM,
    DEWI_RETURN,
    HENDRA_CANCELLATION,
    YUSUF_THANKS,
)
