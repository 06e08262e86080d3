"""The cast of the fictional case: suspects, victims, businesses and ordinary people.

Names are obviously made up. Phone numbers sit in NPA-555-01XX, the range reserved for fiction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from analyst_app.demo.common import PhonePool, SizeSpec, make_imei, make_imsi


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str  # suspect, victim, associate, unknown
    phone: str  # E.164
    email: str
    address: str
    account: str
    imei: str
    imsi: str
    cell: str  # home cell site


@dataclass(frozen=True, slots=True)
class Business:
    name: str
    mcc: str
    address: str
    account: str
    phone: str
    email: str
    owner: str  # a person's name
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Cast:
    recruiter: Person  # Victor Placeholder: recruits by phone, hands victims over to the boss
    boss: Person  # Dmitri Fakename: runs the salon, controls the victims' accounts
    ad_manager: Person  # Sasha Examplestein: posts the ads, travels the circuit
    parlor_owner: Person  # Gregor Sampleton: runs the massage parlor, structures cash
    funnel: Person  # Carl Mockworth: funnel account fed from other states
    depositors: tuple[Person, ...]  # funnel depositors in Houston, Atlanta, Las Vegas
    victims: tuple[Person, ...]
    salon: Business
    parlor: Business
    burner: str  # second ad phone of the same persona
    persona_email: str
    peers: tuple[Business, ...]  # ordinary beauty/massage/food businesses
    people: tuple[Person, ...]  # ordinary bank customers
    subscribers: tuple[Person, ...]  # ordinary phones in the CDR (bank customers come first)
    pool: PhonePool

    @property
    def suspects(self) -> tuple[Person, ...]:
        return (self.recruiter, self.boss, self.ad_manager, self.parlor_owner, self.funnel)


FIRST = (
    "Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Robin", "Drew", "Parker", "Reese", "Skyler", "Cameron", "Dana", "Emery", "Finley", "Harper",
    "Jesse", "Kendall", "Logan", "Marlow", "Noel", "Oakley", "Peyton", "Rowan", "Sawyer", "Toby",
)  # fmt: skip
LAST = (
    "Testerson", "Sampleby", "Mockford", "Dummyfield", "Exampleton", "Stubbins", "Fictor",
    "Nullberg", "Loremson", "Ipsumov", "Fakerly", "Pretendo", "Madeupson", "Notaperson",
    "Imaginary", "Draftwell", "Mockingham", "Templeby", "Specimenez", "Fillerton",
)  # fmt: skip
STREETS = ("Example Ave", "Sample St", "Placeholder Rd", "Fiction Blvd", "Demo Ln", "Mock Ct")
BIZ_ADJ = ("Bright", "Golden", "Maple", "Calm", "Blue", "Silver", "Sunny", "Cedar", "Rose", "Oak")
BIZ_NOUN = ("Smile", "Comb", "Street", "Waters", "Door", "Leaf", "Garden", "Harbor", "Petal")
BIZ_KIND = (
    ("Nails", "7230"), ("Salon", "7230"), ("Spa", "7298"), ("Massage", "7297"),
    ("Bistro", "5812"), ("Tavern", "5813"),
)  # fmt: skip
CHICAGO_NPAS = (312, 773, 872)
VICTIM_PHONES = tuple(f"+1{CHICAGO_NPAS[i % 3]}55501{60 + i:02d}" for i in range(5))
NAMED_PHONES = (
    "+17735550150", "+13125550123", "+13125550177", "+18725550142", "+17735550188",
    "+13125550101", "+17735550102", "+18725550166", *VICTIM_PHONES,
)  # fmt: skip


def _address(rng: random.Random, city: str = "Chicago, IL 606") -> str:
    number = rng.randrange(100, 9900)
    return (
        f"{number} N {rng.choice(STREETS)}, {city}{rng.randrange(1, 60):02d}"  # city ends in a ZIP3
    )


def _cell(rng: random.Random, cells: int) -> str:
    return f"001-01-{4100 + rng.randrange(cells) // 50}-{20000 + rng.randrange(cells)}"


def _person(
    rng: random.Random, pool: PhonePool, name: str, role: str, phone: str | None = None,
    email: str = "", address: str = "", cell: str = "001-01-4103-20801",
) -> Person:  # fmt: skip
    return Person(
        name=name, role=role, phone=phone or pool.take(), email=email,
        address=address or _address(rng), account=pool.account(rng), imei=make_imei(rng),
        imsi=make_imsi(rng), cell=cell,
    )  # fmt: skip


def _ordinary(rng: random.Random, pool: PhonePool, count: int, cells: int) -> list[Person]:
    people: list[Person] = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{last.lower()}{i}@example.com"
        people.append(_person(rng, pool, f"{first} {last}", "unknown", None, email, "",
                              _cell(rng, cells)))  # fmt: skip
    return people


def _business(rng: random.Random, pool: PhonePool, i: int) -> Business:
    adj, noun = BIZ_ADJ[i % len(BIZ_ADJ)], BIZ_NOUN[(i // len(BIZ_ADJ)) % len(BIZ_NOUN)]
    kind, mcc = BIZ_KIND[i % len(BIZ_KIND)]
    name = f"{adj} {noun} {kind} (fictional)"
    slug = f"{adj}{noun}{kind}{i}".lower()
    owner = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return Business(name, mcc, _address(rng), pool.account(rng), pool.take(),
                    f"info@{slug}.example", owner, 41.85 + rng.random() * 0.15,
                    -87.75 + rng.random() * 0.15)  # fmt: skip


def build_cast(rng: random.Random, spec: SizeSpec) -> Cast:
    pool = PhonePool(rng)
    for number in NAMED_PHONES:
        pool.reserve(number)
    salon_cell, parlor_cell = "001-01-4101-20513", "001-01-4102-20677"
    boss_email = "d.fakename@example.net"
    boss = _person(rng, pool, "Dmitri Fakename", "suspect", "+17735550150", boss_email,
                   "2417 N Placeholder Rd, Chicago, IL 60647", salon_cell)  # fmt: skip
    recruiter = _person(rng, pool, "Victor Placeholder", "suspect", "+13125550123",
                        "v.placeholder@example.net", "", salon_cell)  # fmt: skip
    ad_manager = _person(rng, pool, "Sasha Examplestein", "suspect", "+13125550177",
                         "sasha.examplestein@example.org")  # fmt: skip
    parlor_owner = _person(rng, pool, "Gregor Sampleton", "suspect", "+18725550142",
                           "gsampleton@example.net", "", parlor_cell)  # fmt: skip
    funnel = _person(rng, pool, "Carl Mockworth", "suspect", "+17735550188",
                     "carl.mockworth@example.com")  # fmt: skip
    depositors = tuple(
        _person(rng, pool, name, "associate", None, "", _address(rng, city))
        for name, city in (("Ray Stubson", "Houston, TX 770"), ("Lou Dummerson", "Atlanta, GA 303"),
                           ("Pat Nullwell", "Las Vegas, NV 891"))
    )  # fmt: skip
    victim_names = ("Lena Testwood", "Maria Fictitia", "Joy Dummyton", "Rosa Notreal",
                    "Kim Samplewood")  # fmt: skip
    salon_address = "2400 N Example Ave, Chicago, IL 60647"
    victims = tuple(
        _person(rng, pool, name, "victim", VICTIM_PHONES[i],
                boss_email if i in (2, 3) else "", boss.address if i == 4 else "",
                salon_cell if i < 3 else parlor_cell)
        for i, name in enumerate(victim_names)
    )  # fmt: skip
    salon = Business("Lucky Lotus Nails (fictional)", "7230", salon_address, pool.account(rng),
                     "+13125550101", "luckylotus@example.com", boss.name,
                     41.9257, -87.7031)  # fmt: skip
    parlor = Business("Serene Touch Massage (fictional)", "7297",
                      "5130 W Sample St, Chicago, IL 60639", pool.account(rng),
                      "+17735550102", "serenetouch@example.com", parlor_owner.name,
                      41.9211, -87.7561)  # fmt: skip
    burner = "+18725550166"
    peers = tuple(_business(rng, pool, i) for i in range(spec.peers))
    cells = max(40, spec.subscribers // 10)
    people = _ordinary(rng, pool, spec.customers, cells)
    extra = _ordinary(rng, pool, max(0, spec.subscribers - len(people)), cells)
    subscribers = (*people, *extra)[: spec.subscribers]
    return Cast(recruiter, boss, ad_manager, parlor_owner, funnel, depositors, victims, salon,
                parlor, burner, "velvetnights@example.com", peers, tuple(people),
                subscribers, pool)  # fmt: skip
