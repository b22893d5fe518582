"""Indonesian text for generated data: word lists, a Zipf-like sampler and the composers of
gig titles and descriptions, cover letters, delivery notes, reviews and dispute reasons.

Every list is ordered from the most to the least common entry and sampled with weight
1/rank^s (``Zipf``), so a few words appear in a large share of the gigs and a long tail in very
few: the search benchmark has common, medium and rare words (``SEARCH_WORDS``). Three rare
words are planted instead of sampled (``RARE_WORDS``): each is in exactly one gig of every
``RARE_EVERY``, so even 1 000 gigs have one of each.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


class Zipf(Generic[T]):
    """Picks ``items[r]`` with probability proportional to 1 / (r + 1) ** s."""

    def __init__(self, items: Sequence[T], s: float = 1.0) -> None:
        self.items = list(items)
        total, cumulative = 0.0, []
        for rank in range(1, len(self.items) + 1):
            total += rank**-s
            cumulative.append(total)
        self.cumulative, self.total = cumulative, total
        self.last = len(self.items) - 1

    def pick(self, rng: Random) -> T:
        return self.items[min(bisect_right(self.cumulative, rng.random() * self.total), self.last)]


# --- people and places ------------------------------------------------------------------------


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _names(
    "Budi Siti Agus Dewi Rina Andi Putri Eko Sri Joko Wahyu Ayu Dian Rizki Fitri Hendra Nur "
    "Yusuf Indah Fajar Lestari Bayu Ratna Arif Wulan Dimas Sari Teguh Maya Hadi Ika Rudi Nanda "
    "Galih Intan Reza Citra Adi Mega Yoga Nia Bambang Tari Ilham Anisa Fikri Kartika Surya "
    "Melati Ahmad Desi Irfan Lina Made Ketut Wayan Nyoman Putu Komang Asep Euis Cecep Ujang "
    "Rahmat Yanti Taufik Novi Gilang Rani Hafiz Salsa Bagus Tiara Farhan Aulia Dodi Vina Hesti"
)
LAST_NAMES = _names(
    "Santoso Wijaya Saputra Lestari Pratama Hidayat Nugroho Kusuma Siregar Nasution "
    "Simanjuntak Harahap Putri Sari Wulandari Setiawan Gunawan Halim Tanjung Lubis Rahman "
    "Hakim Firmansyah Maulana Syahputra Purnomo Susanto Wibowo Hartono Suryadi Kurniawan Utami "
    "Permata Anggraini Ramadhan Hasibuan Sinaga Situmorang Manurung Tambunan Mahendra Pohan "
    "Sembiring Ginting Tarigan Pangestu Wardhana Prasetyo Handoko Rusdi Effendi Sitompul"
)

# (city, province slug), by population: big cities get more users and gigs.
CITIES: tuple[tuple[str, str], ...] = (
    ("Jakarta", "dki-jakarta"),
    ("Surabaya", "jawa-timur"),
    ("Bandung", "jawa-barat"),
    ("Medan", "sumatera-utara"),
    ("Bekasi", "jawa-barat"),
    ("Tangerang", "banten"),
    ("Depok", "jawa-barat"),
    ("Semarang", "jawa-tengah"),
    ("Palembang", "sumatera-selatan"),
    ("Makassar", "sulawesi-selatan"),
    ("Bogor", "jawa-barat"),
    ("Batam", "kepulauan-riau"),
    ("Pekanbaru", "riau"),
    ("Bandar Lampung", "lampung"),
    ("Padang", "sumatera-barat"),
    ("Malang", "jawa-timur"),
    ("Denpasar", "bali"),
    ("Samarinda", "kalimantan-timur"),
    ("Yogyakarta", "di-yogyakarta"),
    ("Banjarmasin", "kalimantan-selatan"),
    ("Serang", "banten"),
    ("Pontianak", "kalimantan-barat"),
    ("Balikpapan", "kalimantan-timur"),
    ("Jambi", "jambi"),
    ("Surakarta", "jawa-tengah"),
    ("Manado", "sulawesi-utara"),
    ("Mataram", "nusa-tenggara-barat"),
    ("Cirebon", "jawa-barat"),
    ("Kupang", "nusa-tenggara-timur"),
    ("Tasikmalaya", "jawa-barat"),
    ("Bengkulu", "bengkulu"),
    ("Palu", "sulawesi-tengah"),
    ("Kendari", "sulawesi-tenggara"),
    ("Jember", "jawa-timur"),
    ("Ambon", "maluku"),
    ("Purwokerto", "jawa-tengah"),
    ("Jayapura", "papua"),
    ("Kediri", "jawa-timur"),
    ("Banyuwangi", "jawa-timur"),
    ("Magelang", "jawa-tengah"),
    ("Pangkalpinang", "bangka-belitung"),
    ("Gorontalo", "gorontalo"),
    ("Ternate", "maluku-utara"),
    ("Banda Aceh", "aceh"),
    ("Palangka Raya", "kalimantan-tengah"),
    ("Tarakan", "kalimantan-utara"),
    ("Mamuju", "sulawesi-barat"),
    ("Sorong", "papua-barat-daya"),
    ("Manokwari", "papua-barat"),
    ("Merauke", "papua-selatan"),
)

# --- what the gigs are about ------------------------------------------------------------------

# Kinds of work per category slug (the launch taxonomy in projects.sample_data.demo.taxonomy),
# most common first.
WORK: dict[str, tuple[str, ...]] = {
    "desain-grafis": (
        "logo",
        "desain kemasan",
        "banner",
        "poster",
        "stiker",
        "kartu nama",
        "desain menu",
        "brosur",
        "label produk",
        "spanduk",
        "undangan digital",
        "maskot",
        "thumbnail YouTube",
    ),
    "penulisan": (
        "artikel SEO",
        "artikel blog",
        "deskripsi produk",
        "profil usaha",
        "naskah presentasi",
        "siaran pers",
        "newsletter",
        "ebook resep",
    ),
    "media-sosial": (
        "kelola Instagram",
        "konten TikTok",
        "jadwal posting",
        "konten harian",
        "riset hashtag",
        "balas komentar",
        "strategi konten",
    ),
    "video": (
        "video reel",
        "video TikTok",
        "video promosi",
        "video testimoni",
        "video unboxing",
        "subtitle video",
        "intro YouTube",
    ),
    "entri-data": (
        "entri data",
        "input katalog",
        "rekap penjualan",
        "data pelanggan",
        "input stok",
        "rekap nota",
        "migrasi spreadsheet",
    ),
    "terjemahan": (
        "terjemahan",
        "terjemahan menu",
        "terjemahan katalog",
        "terjemahan situs",
        "terjemahan dokumen",
        "terjemahan subtitle",
    ),
    "caption": (
        "caption",
        "caption jualan",
        "copywriting iklan",
        "tagline",
        "slogan",
        "naskah iklan",
    ),
    "endorsement": (
        "endorse",
        "ulasan produk",
        "video endorse",
        "story Instagram",
        "live TikTok",
    ),
    "foto-produk": (
        "edit foto",
        "hapus background",
        "retouch foto",
        "foto katalog",
        "foto menu",
        "mockup produk",
    ),
    "voice-over": (
        "sulih suara",
        "voice-over iklan",
        "rekaman suara",
        "narasi video",
        "jingle",
    ),
}
GENERIC_WORK = ("pekerjaan lepas", "bantuan konten", "tugas kecil")

BUSINESSES = (
    "toko kue",
    "warung kopi",
    "butik",
    "bengkel motor",
    "warung makan",
    "kedai bakso",
    "laundry",
    "salon kecantikan",
    "toko baju muslim",
    "katering",
    "toko sembako",
    "kafe",
    "toko oleh-oleh",
    "rumah makan Padang",
    "toko hijab",
    "percetakan",
    "studio foto",
    "toko bangunan",
    "apotek",
    "kedai es teh",
    "toko bunga",
    "distro",
    "konveksi",
    "toko kosmetik",
    "pet shop",
    "angkringan",
    "warung seblak",
    "martabak manis",
    "toko mainan",
    "bimbel",
    "klinik gigi",
    "homestay",
    "travel umrah",
    "toko elektronik",
    "bengkel mobil",
    "toko emas",
    "toko sepatu",
    "jasa cuci sepatu",
    "toko buku",
    "sanggar tari",
    "pusat kebugaran",
    "kursus bahasa Inggris",
    "toko tanaman",
    "UMKM keripik",
    "kebun kopi",
    "toko batik",
    "penginapan",
    "wedding organizer",
    "peternakan lele",
    "koperasi desa",
)

# Products and themes: the long tail of the vocabulary.
PRODUCTS = (
    "kue kering",
    "kopi susu",
    "nasi goreng",
    "keripik pisang",
    "sambal",
    "baju muslim",
    "skincare",
    "frozen food",
    "ayam geprek",
    "martabak",
    "roti",
    "batik",
    "kaos",
    "sepatu",
    "madu",
    "dimsum",
    "brownies",
    "bolu",
    "donat",
    "rendang",
    "soto",
    "mie ayam",
    "nasi kotak",
    "tumpeng",
    "jamu",
    "sabun",
    "parfum",
    "gamis",
    "mukena",
    "kebaya",
    "tas rajut",
    "dompet kulit",
    "aksesoris HP",
    "sembako",
    "beras",
    "gula aren",
    "kopi bubuk",
    "yoghurt",
    "es krim",
    "puding",
    "lumpia",
    "pempek",
    "siomay",
    "batagor",
    "cilok",
    "kerupuk",
    "rempeyek",
    "abon",
    "dendeng",
    "bandeng presto",
    "sambal roa",
    "cokelat",
    "kurma",
    "jus buah",
    "boba",
    "roti bakar",
    "tahu crispy",
    "tempe mendoan",
    "gudeg",
    "rawon",
    "pecel",
    "rujak",
    "cendol",
    "wedang jahe",
    "serabi",
    "bakpia",
    "lapis legit",
    "nastar",
    "kastengel",
    "cupcake",
    "pizza",
    "burger",
    "sate ayam",
    "gulai",
    "nasi uduk",
    "bubur ayam",
    "kwetiau",
    "kursi rotan",
    "keramik",
    "tanaman hias",
    "pupuk organik",
    "pakan kucing",
    "mainan edukasi",
    "perlengkapan bayi",
    "alat tulis",
    "seragam sekolah",
    "jaket",
    "kemeja",
    "sandal",
    "sneakers",
    "helm",
    "sparepart motor",
    "oli",
    "servis AC",
    "cuci mobil",
    "cat tembok",
    "lampu hias",
    "panel surya",
    "laptop bekas",
    "printer",
    "kamera",
    "lipstik",
    "serum",
    "masker wajah",
    "sunscreen",
    "sampo",
    "pomade",
    "perhiasan perak",
    "cincin",
    "paket wisata",
    "sewa mobil",
    "kamar kos",
    "villa",
    "paket umrah",
    "les matematika",
    "jasa titip",
    "katering diet",
    "granola",
    "keju",
    "daging sapi",
    "udang",
    "cumi",
    "kepiting",
    "lobster",
    "kopi arabika",
    "teh melati",
    "minyak kelapa",
    "kecap",
    "tauco",
    "bumbu pecel",
    "lemang",
    "dodol",
    "wajik",
    "kue lumpur",
    "kue putu",
    "getuk",
    "wingko",
    "kue cubit",
    "pisang nugget",
    "cireng",
    "otak-otak",
    "mpek-mpek kapal selam",
    "tekwan",
    "pindang",
    "ikan asap",
    "papeda",
    "sagu",
    "kolak",
    "bajigur",
    "bandrek",
    "kerak telor",
    "bir pletok",
    "soto betawi",
    "coto",
    "konro",
    "pallubasa",
    "sop saudara",
    "ayam taliwang",
    "plecing",
    "sate lilit",
    "lawar",
    "ayam betutu",
    "tenun",
    "ulos",
    "songket",
    "noken",
    "tas purun",
    "anyaman bambu",
    "ukiran jepara",
    "wayang kulit",
    "blangkon",
    "lurik",
    "kerajinan kerang",
    "gerabah",
    "topeng",
    "gamelan",
    "angklung",
    "sasando",
    "kain sarung",
    "batik tulis",
    "jumputan",
    "tapis",
    "besek",
    "tikar pandan",
    "kopi gayo",
    "kopi toraja",
    "kopi kintamani",
    "teh tubruk",
    "kayu manis",
    "cengkeh",
    "pala",
    "vanili",
    "lada",
    "kemiri",
    "jahe merah",
    "temulawak",
    "kunyit asam",
    "beras kencur",
    "sirup markisa",
    "salak pondoh",
    "durian",
    "manggis",
    "rambutan",
    "duku",
    "sukun",
    "kelengkeng",
    "alpukat",
    "mangga",
    "nanas madu",
    "buah naga",
    "jeruk pontianak",
    "markisa",
    "belimbing",
    "kedondong",
)

STYLES = (
    "minimalis",
    "modern",
    "elegan",
    "ceria",
    "profesional",
    "hangat",
    "sederhana",
    "klasik",
    "lucu",
    "mewah",
    "segar",
    "natural",
    "vintage",
    "feminin",
    "maskulin",
    "tradisional",
    "futuristik",
)
OCCASIONS = (
    "Lebaran",
    "Ramadan",
    "akhir tahun",
    "Harbolnas",
    "17 Agustus",
    "pembukaan cabang baru",
    "ulang tahun toko",
    "Natal",
    "Imlek",
    "tahun ajaran baru",
    "Hari Ibu",
    "musim liburan",
)
PLATFORMS = ("Instagram", "TikTok", "Shopee", "Tokopedia", "Facebook", "YouTube", "Google Maps")
COLOURS = ("merah", "hijau", "biru", "kuning", "cokelat", "hitam", "putih", "oranye", "ungu")
FORMATS = ("PNG", "JPG", "PDF", "MP4", "vektor", "Word", "Excel", "Google Docs")
AUDIENCES = (
    "ibu rumah tangga",
    "mahasiswa",
    "pekerja kantoran",
    "anak muda",
    "keluarga",
    "wisatawan",
    "pelanggan setia",
    "pemilik UMKM",
)

# Planted, not sampled: each appears in one gig of every RARE_EVERY (see gig_text) and nowhere
# else, so the search benchmark has words matching ~0.01 % of the gigs at any size.
RARE_WORDS = ("andaliman", "tengkuluk", "sasirangan")
RARE_EVERY = 10_000
RARE_OFFSETS = (7, 11, 13)  # gig i (0-based) mentions RARE_WORDS[k] when i % RARE_EVERY == this

# What the search benchmark can query. The share of all gigs whose title or description has
# the word (PostgreSQL full-text search, 200 000 gigs, seed 1): promosi 55 %, instagram 36 %,
# jakarta 23 %; rendang 1.3 %, jamu 1.0 %, kebaya 0.9 %; the rare ones 0.01 %. Common and
# medium words come from the Zipf-sampled lists, so their shares hold at any size; about 10 %
# of the matches are open public gigs, the ones the browse page searches.
SEARCH_WORDS = {
    "common": ("promosi", "instagram", "jakarta"),
    "medium": ("rendang", "kebaya", "jamu"),
    "rare": RARE_WORDS,
}


class Text:
    """Composes the generated text; one instance per run, fed the run's random generator."""

    def __init__(self, categories: Sequence[str]) -> None:
        self.work = {slug: Zipf(WORK.get(slug, GENERIC_WORK), 0.9) for slug in categories}
        self.businesses = Zipf(BUSINESSES, 1.0)
        self.products = Zipf(PRODUCTS, 1.0)
        self.cities = Zipf(CITIES, 0.9)
        self.styles = Zipf(STYLES, 0.8)
        self.occasions = Zipf(OCCASIONS, 1.0)
        self.platforms = Zipf(PLATFORMS, 1.1)
        self.first_names = Zipf(FIRST_NAMES, 0.6)
        self.last_names = Zipf(LAST_NAMES, 0.6)

    def gig(self, rng: Random, category: str, index: int) -> tuple[str, str]:
        """(title, description) of gig number ``index`` (0-based) of the run."""
        work = self.work[category].pick(rng)
        business = self.businesses.pick(rng)
        city = self.cities.pick(rng)[0]
        product = self.products.pick(rng)
        style = self.styles.pick(rng)
        occasion = self.occasions.pick(rng)
        platform = self.platforms.pick(rng)
        form = rng.randrange(6)
        if form == 0:
            title = f"{work.capitalize()} untuk {business} di {city}"
        elif form == 1:
            title = f"Butuh {work} {style} untuk {business}"
        elif form == 2:
            title = f"{work.capitalize()} {product} untuk {business}"
        elif form == 3:
            title = f"Jasa {work} untuk promo {occasion}"
        elif form == 4:
            title = f"{work.capitalize()} {platform} {business} {city}"
        else:
            title = f"{work.capitalize()} {style} {product}, {city}"

        sentences = [
            rng.choice(
                (
                    f"Kami {business} di {city} yang menjual {product}.",
                    f"Saya pemilik {business} kecil di {city}, jualan utama kami {product}.",
                    f"Usaha kami {business} di {city}, sudah buka sejak {rng.randint(2005, 2025)}.",
                )
            ),
            rng.choice(
                (
                    f"Kami butuh {work} dengan gaya {style} untuk promosi {product}.",
                    f"Dicari freelancer untuk {work} menjelang {occasion}.",
                    f"Perlu {work} yang {style} dan mudah diingat pelanggan.",
                )
            ),
        ]
        for kind in rng.sample(range(8), rng.randint(1, 4)):
            sentences.append(self._detail(rng, kind, work, platform))
        for k, offset in enumerate(RARE_OFFSETS):
            if index % RARE_EVERY == offset:
                sentences.append(f"Produk andalan kami memakai {RARE_WORDS[k]} asli.")
        return title[:120], " ".join(sentences)

    def _detail(self, rng: Random, kind: int, work: str, platform: str) -> str:
        if kind == 0:
            return f"Hasil akan dipakai di {platform} dan {self.platforms.pick(rng)}."
        if kind == 1:
            return f"Target pembeli kami {rng.choice(AUDIENCES)}."
        if kind == 2:
            return (
                f"Warna utama {rng.choice(COLOURS)} dan {rng.choice(COLOURS)}, "
                f"kesan {self.styles.pick(rng)}."
            )
        if kind == 3:
            return f"File dikirim dalam format {rng.choice(FORMATS)}, revisi maksimal dua kali."
        if kind == 4:
            return f"Mohon sertakan contoh {work} yang pernah dikerjakan."
        if kind == 5:
            return f"Produk lain kami: {self.products.pick(rng)} dan {self.products.pick(rng)}."
        if kind == 6:
            return f"Promosi ini untuk {self.occasions.pick(rng)}, jadi tidak bisa terlambat."
        city = self.cities.pick(rng)[0]
        return f"Referensi gaya: akun {platform} {self.businesses.pick(rng)} di {city}."

    def cover_letter(self, rng: Random, category: str, name: str) -> str:
        work = self.work[category].pick(rng)
        return (
            f"Halo, saya {name}. Sudah {rng.randint(1, 9)} tahun mengerjakan {work} untuk "
            f"{self.businesses.pick(rng)} dan {self.businesses.pick(rng)}. "
            + rng.choice(
                (
                    "Bisa mulai hari ini, hasil rapi dan tepat waktu.",
                    "Contoh hasil kerja ada di profil saya.",
                    "Saya kirim konsep awal dulu supaya Kakak bisa pilih.",
                    "Revisi sampai cocok sesuai paket.",
                )
            )
        )

    def headline(self, rng: Random, category: str) -> str:
        work = self.work[category].pick(rng)
        return f"{work.capitalize()} untuk {self.businesses.pick(rng)} dan UMKM"[:120]

    def bio(self, rng: Random, category: str, city: str) -> str:
        return (
            f"Freelancer di {city}. Berpengalaman {rng.randint(1, 12)} tahun di "
            f"{self.work[category].pick(rng)} dan {self.work[category].pick(rng)}. "
            f"Klien saya antara lain {self.businesses.pick(rng)} dan {self.businesses.pick(rng)}."
        )

    def shop_name(self, rng: Random, first_name: str) -> str:
        return f"{self.businesses.pick(rng).title()} {first_name}"[:80]

    def delivery_note(self, rng: Random, revision: int) -> str:
        if revision:
            return f"Revisi ke-{revision} sudah saya kerjakan sesuai catatan. Silakan dicek lagi."
        return rng.choice(
            (
                "Berikut hasilnya, file lengkap terlampir.",
                "Sudah selesai, mohon dicek dan dikabari kalau ada yang perlu diubah.",
                "Hasil akhir sudah saya kirim dalam format yang diminta.",
            )
        )

    def review(self, rng: Random, score: int, of_freelancer: bool) -> str:
        product = self.products.pick(rng)
        if of_freelancer:
            good = (
                f"Hasilnya rapi dan cepat, sangat membantu promosi {product} kami.",
                "Komunikasi lancar, revisi ditanggapi dengan baik. Rekomendasi!",
                "Kerja profesional dan tepat waktu, pasti order lagi.",
            )
            bad = (
                "Hasil kurang sesuai brief dan agak terlambat.",
                "Komunikasi kurang lancar, perlu beberapa kali revisi.",
            )
        else:
            good = (
                "Brief jelas dan pembayaran cepat. Senang bekerja sama.",
                f"Klien ramah, sukses terus untuk usaha {product}-nya.",
                "Feedback jelas, approval cepat.",
            )
            bad = (
                "Brief berubah-ubah di tengah jalan.",
                "Lama membalas pesan, tapi pembayaran aman.",
            )
        return rng.choice(good if score >= 4 else bad)

    def dispute_reason(self, rng: Random) -> str:
        return rng.choice(
            (
                "Hasil tidak sesuai dengan brief yang disepakati.",
                "Pekerjaan belum lengkap padahal tenggat sudah lewat.",
                "Klien meminta revisi di luar kesepakatan awal.",
            )
        )
