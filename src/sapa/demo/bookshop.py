"""Toko Buku Sapa, the demo shop: its teams, agents, customers, books and orders.

Times are relative to the moment the demo is loaded (see `sapa.demo.story.When`), so the
history always looks recent. What the customers wrote is in the bookshop_* modules, one per
team that handles it.

Addresses use reserved domains (`.example`, `example.com`) so that no demo reply can reach a
real mailbox; phone numbers must pass Indonesian numbering rules, so they are merely made up.
"""

from sapa.accounts.models import Role
from sapa.commerce.models import OrderStatus, ShipmentStatus
from sapa.demo.story import (
    AgentProfile,
    Book,
    Line,
    OrderStory,
    Person,
    Scan,
    TeamProfile,
    ago,
    day,
)

DEMO_PASSWORD = "sapa-demo-2026"  # noqa: S105 - a published login for demo data only
# The demo counts as loaded once this team exists.
MARKER_TEAM = "Pesanan & Pengiriman"
SHIPPING_TEAM = "pesanan-pengiriman"
PAYMENT_TEAM = "pembayaran"
PRODUCT_TEAM = "produk"

TEAMS = (
    TeamProfile(
        SHIPPING_TEAM,
        MARKER_TEAM,
        "Status pesanan, resi, paket terlambat atau hilang, retur barang.",
    ),
    TeamProfile(
        PAYMENT_TEAM, "Pembayaran", "Konfirmasi transfer, refund, faktur, pembelian korporat."
    ),
    TeamProfile(
        PRODUCT_TEAM, "Produk", "Pertanyaan sebelum membeli: stok, edisi, pre-order, rekomendasi."
    ),
)

AGENTS = (
    AgentProfile(
        "sari", "Sari", "Wulandari", Role.SUPERVISOR, (SHIPPING_TEAM, PAYMENT_TEAM, PRODUCT_TEAM)
    ),
    AgentProfile("andi", "Andi", "Pratama", Role.AGENT, (SHIPPING_TEAM,)),
    AgentProfile("putri", "Putri", "Maharani", Role.AGENT, (PAYMENT_TEAM,)),
    AgentProfile("dimas", "Dimas", "Saputra", Role.AGENT, (PRODUCT_TEAM, SHIPPING_TEAM)),
    AgentProfile("wayan", "Wayan", "Sukmawati", Role.AGENT, (PRODUCT_TEAM, PAYMENT_TEAM)),
)
AGENT_EMAIL_DOMAIN = "tokobukusapa.example"

RINA = Person(
    "rina", "Rina Kurniawati", email="rina.kurniawati@example.com", phone="0812-2345-6789"
)
BUDI = Person("budi", "Budi Santoso", email="budi.santoso@example.com", phone="0813-9876-5432")
SITI = Person(
    "siti",
    "Siti Rahmawati",
    email="siti.rahmawati@example.com",
    phone="0857-1234-0987",
    chat_visitor="visitor-7f3a9c2e",
)
AGUS = Person(
    "agus",
    "Agus Wijaya",
    email="agus.wijaya@example.com",
    phone="0812-5550-1234",
    telegram="5012345678",
)
NUR = Person(
    "nur",
    "Nur Aisyah",
    email="nur.aisyah@example.com",
    phone="0821-3344-5566",
    telegram="6123409876",
)
# Dewi bought with her old number and later wrote from a new one: two customer records
# until an agent accepts the merge suggestion her web form produces.
DEWI = Person(
    "dewi", "Dewi Anggraini", email="dewi.anggraini88@example.com", phone="0811-8880-4321"
)
DEWI_NEW_NUMBER = Person("dewi-wa", "Dewi A.", phone="0896-1234-7788")
HENDRA = Person(
    "hendra", "Hendra Gunawan", email="hendra.gunawan@example.com", phone="0813-2211-9090"
)
SARAH = Person("sarah", "Sarah Johnson", email="sarah.johnson@example.net")
YUSUF = Person("yusuf", "Yusuf Maulana", email="yusuf.maulana@example.com", phone="0819-1122-3344")
FITRI = Person(
    "fitri", "Fitri Handayani", email="fitri.handayani@example.com", phone="0878-1234-5566"
)
RIZKY = Person("rizky", "Rizky Ramadhan", email="rizky@majubersama.example", phone="0852-1199-8877")
# A colleague from the warehouse who writes to support like a customer.
JOKO = Person("joko", "Joko Susilo (Gudang Cikarang)", email="joko@tokobukusapa.example")

# --- Catalogue and orders ---------------------------------------------------------------

LASKAR_PELANGI_HC = Book("BK-1001", "Laskar Pelangi (Edisi Hard Cover)", "Andrea Hirata", 185_000)
ORANG_ORANG_BIASA = Book("BK-1002", "Orang-Orang Biasa", "Andrea Hirata", 89_000)
BUMI_MANUSIA = Book("BK-2001", "Bumi Manusia", "Pramoedya Ananta Toer", 135_000)
ANAK_SEMUA_BANGSA = Book("BK-2002", "Anak Semua Bangsa", "Pramoedya Ananta Toer", 140_000)
JEJAK_LANGKAH = Book("BK-2003", "Jejak Langkah", "Pramoedya Ananta Toer", 165_000)
RUMAH_KACA = Book("BK-2004", "Rumah Kaca", "Pramoedya Ananta Toer", 150_000)
TETRALOGI_BURU_BOX = Book("BK-2005", "Tetralogi Buru (Box Set)", "Pramoedya Ananta Toer", 560_000)
CANTIK_ITU_LUKA = Book("BK-3001", "Cantik Itu Luka", "Eka Kurniawan", 125_000)
LELAKI_HARIMAU = Book("BK-3002", "Lelaki Harimau", "Eka Kurniawan", 95_000)
NEGERI_5_MENARA = Book("BK-4001", "Negeri 5 Menara", "Ahmad Fuadi", 89_000)
RANAH_3_WARNA = Book("BK-4002", "Ranah 3 Warna", "Ahmad Fuadi", 92_000)
FILOSOFI_TERAS = Book("BK-5001", "Filosofi Teras", "Henry Manampiring", 98_000)
RONGGENG_DUKUH_PARUK = Book("BK-5002", "Ronggeng Dukuh Paruk", "Ahmad Tohari", 110_000)
PULANG = Book("BK-6001", "Pulang", "Tere Liye", 99_000)
HUJAN = Book("BK-6002", "Hujan", "Tere Liye", 95_000)
GADIS_KRETEK = Book("BK-6003", "Gadis Kretek", "Ratih Kumala", 99_000)
LAUT_BERCERITA = Book("BK-6004", "Laut Bercerita", "Leila S. Chudori", 115_000)
AMBA = Book("BK-6005", "Amba", "Laksmi Pamuntjak", 120_000)

PICKED_UP_JNE = "Paket diterima oleh kurir JNE"
PICKED_UP_SICEPAT = "Paket telah di-pickup oleh kurir SiCepat"
WAREHOUSE = "Cikarang, Bekasi"

# The stuck parcel at the heart of the demo: no scan since the Cakung hub, six days ago.
STUCK_ORDER_NUMBER = "INV-10398"
STUCK_SCAN_DAYS_AGO = 6

ORDERS = (
    OrderStory(
        "INV-10112",
        RINA,
        (Line(NEGERI_5_MENARA), Line(RANAH_3_WARNA)),
        32_000,
        (
            (day(21, "10:15"), OrderStatus.PLACED),
            (day(21, "10:40"), OrderStatus.PAID),
            (day(20, "09:30"), OrderStatus.PACKED),
            (day(20, "16:00"), OrderStatus.SHIPPED),
            (day(20, "23:40"), OrderStatus.IN_TRANSIT),
            (day(18, "11:20"), OrderStatus.DELIVERED),
        ),
        carrier="JNE",
        tracking_number="011230045678912",
        scans=(
            Scan(day(20, "16:00"), ShipmentStatus.PICKED_UP, PICKED_UP_JNE, WAREHOUSE),
            Scan(
                day(20, "23:40"),
                ShipmentStatus.IN_TRANSIT,
                "Paket diberangkatkan dari Hub Cakung",
                "Jakarta Timur",
            ),
            Scan(
                day(19, "14:30"),
                ShipmentStatus.IN_TRANSIT,
                "Paket tiba di Hub Surabaya",
                "Surabaya",
            ),
            Scan(
                day(18, "08:10"),
                ShipmentStatus.OUT_FOR_DELIVERY,
                "Paket dibawa kurir untuk diantar",
                "Surabaya",
            ),
            Scan(
                day(18, "11:20"),
                ShipmentStatus.DELIVERED,
                "Paket diterima oleh RINA (YBS)",
                "Surabaya",
            ),
        ),
    ),
    OrderStory(
        "INV-10245",
        DEWI,
        (Line(CANTIK_ITU_LUKA), Line(LELAKI_HARIMAU)),
        22_000,
        (
            (day(16, "11:00"), OrderStatus.PLACED),
            (day(16, "11:20"), OrderStatus.PAID),
            (day(15, "10:00"), OrderStatus.PACKED),
            (day(15, "15:30"), OrderStatus.SHIPPED),
            (day(14, "01:00"), OrderStatus.IN_TRANSIT),
            (day(13, "14:30"), OrderStatus.DELIVERED),
            (day(9, "15:00"), OrderStatus.RETURNED),
        ),
        carrier="JNE",
        tracking_number="011230045123456",
        scans=(
            Scan(day(15, "15:30"), ShipmentStatus.PICKED_UP, PICKED_UP_JNE, WAREHOUSE),
            Scan(
                day(14, "01:00"),
                ShipmentStatus.IN_TRANSIT,
                "Paket diberangkatkan dari Hub Cakung",
                "Jakarta Timur",
            ),
            Scan(
                day(13, "09:00"),
                ShipmentStatus.OUT_FOR_DELIVERY,
                "Paket dibawa kurir untuk diantar",
                "Depok",
            ),
            Scan(
                day(13, "14:30"),
                ShipmentStatus.DELIVERED,
                "Paket diterima oleh DEWI (YBS)",
                "Depok",
            ),
        ),
    ),
    OrderStory(
        "INV-10288",
        YUSUF,
        (Line(PULANG), Line(HUJAN), Line(GADIS_KRETEK)),
        18_000,
        (
            (day(14, "13:00"), OrderStatus.PLACED),
            (day(14, "13:05"), OrderStatus.PAID),
            (day(13, "10:00"), OrderStatus.PACKED),
            (day(13, "15:00"), OrderStatus.SHIPPED),
            (day(12, "02:00"), OrderStatus.IN_TRANSIT),
            (day(11, "10:20"), OrderStatus.DELIVERED),
        ),
        carrier="SiCepat",
        tracking_number="004123456789",
        scans=(
            Scan(day(13, "15:00"), ShipmentStatus.PICKED_UP, PICKED_UP_SICEPAT, WAREHOUSE),
            Scan(
                day(12, "02:00"),
                ShipmentStatus.IN_TRANSIT,
                "Paket keluar dari gateway Jakarta",
                "Jakarta",
            ),
            Scan(
                day(11, "08:00"),
                ShipmentStatus.OUT_FOR_DELIVERY,
                "Paket sedang diantar ke alamat penerima",
                "Bogor",
            ),
            Scan(
                day(11, "10:20"),
                ShipmentStatus.DELIVERED,
                "Paket telah diterima oleh YUSUF",
                "Bogor",
            ),
        ),
    ),
    OrderStory(
        STUCK_ORDER_NUMBER,
        RINA,
        (Line(BUMI_MANUSIA), Line(ANAK_SEMUA_BANGSA), Line(JEJAK_LANGKAH), Line(RUMAH_KACA)),
        42_000,
        (
            (day(10, "19:40"), OrderStatus.PLACED),
            (day(10, "19:52"), OrderStatus.PAID),
            (day(9, "10:30"), OrderStatus.PACKED),
            (day(9, "16:05"), OrderStatus.SHIPPED),
            (day(9, "21:30"), OrderStatus.IN_TRANSIT),
        ),
        carrier="JNE",
        tracking_number="011230045991234",
        scans=(
            Scan(day(9, "16:05"), ShipmentStatus.PICKED_UP, PICKED_UP_JNE, WAREHOUSE),
            Scan(
                day(9, "21:30"),
                ShipmentStatus.IN_TRANSIT,
                "Paket diberangkatkan dari agen Cikarang",
                WAREHOUSE,
            ),
            Scan(
                day(8, "04:20"),
                ShipmentStatus.IN_TRANSIT,
                "Paket tiba di Hub Cakung",
                "Jakarta Timur",
            ),
            Scan(
                day(STUCK_SCAN_DAYS_AGO, "03:12"),
                ShipmentStatus.IN_TRANSIT,
                "Paket transit di Hub Cakung",
                "Jakarta Timur",
            ),
        ),
    ),
    OrderStory(
        "INV-10401",
        HENDRA,
        (Line(RONGGENG_DUKUH_PARUK),),
        15_000,
        ((day(10, "21:05"), OrderStatus.PLACED), (day(9, "08:31"), OrderStatus.CANCELLED)),
    ),
    OrderStory(
        "INV-10452",
        RIZKY,
        (Line(FILOSOFI_TERAS, quantity=25, unit_price_minor=83_300),),
        0,
        (
            (day(8, "09:00"), OrderStatus.PLACED),
            (day(8, "13:00"), OrderStatus.PAID),
            (day(1, "16:00"), OrderStatus.PACKED),
        ),
    ),
    OrderStory(
        "INV-10466",
        AGUS,
        (Line(TETRALOGI_BURU_BOX),),
        68_000,
        (
            (day(3, "16:50"), OrderStatus.PLACED),
            (day(3, "17:30"), OrderStatus.PAID),
            (day(1, "11:00"), OrderStatus.PACKED),
            (ago(150), OrderStatus.SHIPPED),
        ),
        carrier="SiCepat",
        tracking_number="004123459876",
        scans=(Scan(ago(150), ShipmentStatus.PICKED_UP, PICKED_UP_SICEPAT, WAREHOUSE),),
    ),
    OrderStory(
        "INV-10471",
        NUR,
        (Line(AMBA), Line(ORANG_ORANG_BIASA)),
        20_000,
        (
            (day(3, "20:00"), OrderStatus.PLACED),
            (day(3, "20:10"), OrderStatus.PAID),
            (ago(200), OrderStatus.PACKED),
        ),
    ),
    OrderStory(
        "INV-10495",
        SITI,
        (Line(LASKAR_PELANGI_HC),),
        38_000,
        ((day(2, "13:25"), OrderStatus.PLACED),),
    ),
    OrderStory(
        "INV-10502",
        BUDI,
        (Line(LAUT_BERCERITA), Line(CANTIK_ITU_LUKA)),
        12_000,
        ((day(2, "20:15"), OrderStatus.PLACED), (day(1, "09:30"), OrderStatus.PAID)),
    ),
)
