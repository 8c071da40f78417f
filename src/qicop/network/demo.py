"""The demo network: the programme's two networks, sixteen countries, their ministries and CDC offices,
and about two hundred people with plausible names. Deterministic: the same seed gives the same network."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qicop.accounts.demo_logins import DEMO_LOGINS
from qicop.accounts.models import User
from qicop.network.models import Country, Member, Membership, Network, Organisation, Role

PROGRAMME = "HIV Quality Improvement Learning Programme"


@dataclass(frozen=True)
class CountrySeed:
    iso2: str
    iso3: str
    name: str
    time_zone: str
    languages: tuple[str, ...]
    ministry: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


COUNTRIES = [
    CountrySeed(
        "BW",
        "BWA",
        "Botswana",
        "Africa/Gaborone",
        ("en",),
        "Ministry of Health",
        ("Kagiso", "Neo", "Boitumelo", "Tebogo", "Onalenna", "Mpho", "Kabelo", "Lesego"),
        ("Mogae", "Masire", "Khama", "Seretse", "Molefe", "Kgosi", "Tshekedi", "Modise"),
    ),
    CountrySeed(
        "KH",
        "KHM",
        "Cambodia",
        "Asia/Phnom_Penh",
        ("km", "en"),
        "Ministry of Health",
        ("Sokha", "Dara", "Chenda", "Vuthy", "Sopheap", "Rithy", "Bopha", "Sreymom"),
        ("Chea", "Sok", "Heng", "Kim", "Meas", "Prak", "Sam", "Touch"),
    ),
    CountrySeed(
        "GY",
        "GUY",
        "Guyana",
        "America/Guyana",
        ("en",),
        "Ministry of Health",
        ("Ravi", "Keisha", "Andre", "Shondel", "Vishnu", "Natasha", "Collin", "Indira"),
        ("Persaud", "Singh", "Williams", "Ramsaroop", "Fraser", "Ali", "Bacchus", "Gomes"),
    ),
    CountrySeed(
        "HT",
        "HTI",
        "Haiti",
        "America/Port-au-Prince",
        ("fr", "ht"),
        "Ministère de la Santé Publique et de la Population",
        ("Jean", "Marie", "Widline", "Ricardo", "Nadège", "Fritz", "Guerline", "Pierre"),
        ("Joseph", "Pierre-Louis", "Jean-Baptiste", "Charles", "Étienne", "Dorvil", "Saint-Fleur", "Louis"),
    ),
    CountrySeed(
        "KE",
        "KEN",
        "Kenya",
        "Africa/Nairobi",
        ("en", "sw"),
        "Ministry of Health",
        ("Wanjiru", "Otieno", "Achieng", "Kamau", "Njeri", "Mutua", "Chebet", "Kiprop"),
        ("Mwangi", "Odhiambo", "Wambui", "Kariuki", "Omondi", "Kiptoo", "Njoroge", "Mutiso"),
    ),
    CountrySeed(
        "LA",
        "LAO",
        "Laos",  # as CLDR names it in English: the one name every page shows (Country.display_name)
        "Asia/Vientiane",
        ("lo", "en"),
        "Ministry of Health",
        ("Souksavanh", "Phonesavanh", "Keo", "Bounmy", "Manivanh", "Khamla", "Vilay", "Somphone"),
        (
            "Phommachanh",
            "Vongsa",
            "Sisouphanh",
            "Keomany",
            "Chanthavong",
            "Inthavong",
            "Sayavong",
            "Douangdy",
        ),
    ),
    CountrySeed(
        "MW",
        "MWI",
        "Malawi",
        "Africa/Blantyre",
        ("en",),
        "Ministry of Health",
        ("Chikondi", "Mphatso", "Tiyamike", "Kondwani", "Thoko", "Limbani", "Chisomo", "Yamikani"),
        ("Banda", "Phiri", "Mwale", "Chirwa", "Nyirenda", "Kumwenda", "Gondwe", "Mbewe"),
    ),
    CountrySeed(
        "MZ",
        "MOZ",
        "Mozambique",
        "Africa/Maputo",
        ("pt",),
        "Ministério da Saúde",
        ("Ana", "João", "Célia", "Armando", "Graça", "Nelson", "Luísa", "Tomás"),
        ("Machel", "Cossa", "Macuácua", "Sitoe", "Nhantumbo", "Chissano", "Mondlane", "Tembe"),
    ),
    CountrySeed(
        "NA",
        "NAM",
        "Namibia",
        "Africa/Windhoek",
        ("en",),
        "Ministry of Health and Social Services",
        ("Ndapewa", "Tangeni", "Hilma", "Petrus", "Selma", "Johannes", "Martha", "Immanuel"),
        ("Shikongo", "Nghidinwa", "Amupadhi", "Iipumbu", "Hamutenya", "Nujoma", "Shilongo", "Kandjii"),
    ),
    CountrySeed(
        "NG",
        "NGA",
        "Nigeria",
        "Africa/Lagos",
        ("en",),
        "Federal Ministry of Health",
        ("Chinedu", "Aisha", "Oluwaseun", "Ngozi", "Ibrahim", "Funmilayo", "Emeka", "Halima"),
        ("Okafor", "Bello", "Adeyemi", "Eze", "Abubakar", "Olawale", "Nwosu", "Danjuma"),
    ),
    CountrySeed(
        "PG",
        "PNG",
        "Papua New Guinea",
        "Pacific/Port_Moresby",
        ("en",),
        "National Department of Health",
        ("Kila", "Grace", "Michael", "Ruth", "Peter", "Esther", "Joseph", "Lucy"),
        ("Kaupa", "Wari", "Tomo", "Aisi", "Kama", "Namaliu", "Somare", "Waigani"),
    ),
    CountrySeed(
        "TH",
        "THA",
        "Thailand",
        "Asia/Bangkok",
        ("th", "en"),
        "Ministry of Public Health",
        ("Somchai", "Siriporn", "Nattapong", "Kanya", "Prasert", "Malee", "Anan", "Wipawee"),
        ("Srisuk", "Chaiyaporn", "Rattanakul", "Wongsawat", "Suwannarat", "Thongdee", "Boonmee", "Kaewkla"),
    ),
    CountrySeed(
        "UG",
        "UGA",
        "Uganda",
        "Africa/Kampala",
        ("en",),
        "Ministry of Health",
        ("Nakato", "Okello", "Apio", "Ssemwanga", "Namubiru", "Mugisha", "Atim", "Kato"),
        ("Namutebi", "Ochieng", "Byaruhanga", "Nabirye", "Tumusiime", "Akello", "Kisekka", "Mukasa"),
    ),
    CountrySeed(
        "VN",
        "VNM",
        "Vietnam",
        "Asia/Ho_Chi_Minh",
        ("vi", "en"),
        "Ministry of Health",
        ("Minh", "Lan", "Huy", "Thu", "Tuan", "Hoa", "Dung", "Mai"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"),
    ),
    CountrySeed(
        "ZM",
        "ZMB",
        "Zambia",
        "Africa/Lusaka",
        ("en",),
        "Ministry of Health",
        ("Mwila", "Chanda", "Bwalya", "Mulenga", "Natasha", "Kabwe", "Musonda", "Lweendo"),
        ("Mwansa", "Zulu", "Tembo", "Lungu", "Sakala", "Mumba", "Chileshe", "Banda"),
    ),
    CountrySeed(
        "ZW",
        "ZWE",
        "Zimbabwe",
        "Africa/Harare",
        ("en",),
        "Ministry of Health and Child Care",
        ("Tendai", "Rutendo", "Farai", "Chipo", "Tatenda", "Nyasha", "Tapiwa", "Rumbidzai"),
        ("Moyo", "Ncube", "Chikwanha", "Mutasa", "Dube", "Sibanda", "Mhlanga", "Chinotimba"),
    ),
]

TITLES = {
    Role.FOCAL_POINT: ["National QI Program Manager", "Head of Quality Management"],
    Role.DATA_MANAGER: ["HIV Strategic Information Officer", "Data Manager, National HIV Program"],
    Role.MEMBER: [
        "Quality Improvement Officer",
        "QI Coach",
        "Provincial HIV Care Coordinator",
        "Clinical Mentor",
        "Monitoring and Evaluation Officer",
        "Nurse Mentor",
        "District Health Officer",
    ],
    Role.OBSERVER: ["Public Health Advisor", "Program Officer"],
}

DEMO_PASSWORD = "demo"
# (e-mail, description, country, role, title); the first is also a superuser.
FIXED_LOGINS = [
    (
        "coordinator@example.org",
        "Network coordinator (Bangkok)",
        "TH",
        Role.COORDINATOR,
        "Learning Network Coordinator",
    ),
    (
        "focal.ke@example.org",
        "Kenya: country focal point",
        "KE",
        Role.FOCAL_POINT,
        "National QI Program Manager",
    ),
    (
        "data.ke@example.org",
        "Kenya: data manager",
        "KE",
        Role.DATA_MANAGER,
        "HIV Strategic Information Officer",
    ),
    ("member.ht@example.org", "Haiti: member", "HT", Role.MEMBER, "Responsable qualité"),
    ("observer.na@example.org", "Namibia: observer (CDC)", "NA", Role.OBSERVER, "Public Health Advisor"),
]
# A coordinator of a regional network only: she answers for its countries' data, not for Kenya's or Haiti's.
REGIONAL_LOGIN = (
    "coordinator.sadc@example.org",
    "Southern Africa regional network coordinator (Lusaka): its countries only",
    "ZM",
    Role.COORDINATOR,
    "Regional QI Coaching Coordinator",
)
REGIONAL_COUNTRIES = ("BW", "MW", "MZ", "NA", "ZM", "ZW")
FIXED_NAMES = {
    "coordinator@example.org": "Siriporn Rattanakul",
    "focal.ke@example.org": "Wanjiru Mwangi",
    "data.ke@example.org": "Otieno Odhiambo",
    "member.ht@example.org": "Nadège Jean-Baptiste",
    "observer.na@example.org": "Hilma Shikongo",
    "coordinator.sadc@example.org": "Mutinta Hamoonga",
}


def demo_logins() -> list[tuple[str, str]]:
    """The logins README.md lists, as the sign-in page shows them (accounts.demo_logins: one list)."""
    return list(DEMO_LOGINS)


@transaction.atomic
def load_network_demo(seed: int = 2026) -> bool:
    """Create the demo registry unless it is already there. Returns whether anything was created."""
    if Network.objects.filter(slug="virtual").exists():
        return False
    rng = random.Random(seed)
    virtual = Network.objects.create(
        slug="virtual",
        name="Multi-country Virtual Learning Network",
        programme=PROGRAMME,
        kind=Network.Kind.VIRTUAL,
        description="Ministries of Health improve HIV care together: a Zoom session every two months "
        "on one topic, "
        "a country presenting its work or its challenge, peers and experts responding.",
    )
    in_person = Network.objects.create(
        slug="all-country",
        name="All-Country Learning Network",
        programme=PROGRAMME,
        kind=Network.Kind.IN_PERSON,
        description="The yearly all-country meeting: delegations of Ministries of Health and CDC offices "
        "meet for "
        "panels, expert presentations and participant-driven discussions.",
    )
    countries = {}
    for seed_row in COUNTRIES:
        country = Country.objects.create(
            iso2=seed_row.iso2,
            iso3=seed_row.iso3,
            name=seed_row.name,
            time_zone=seed_row.time_zone,
            languages=list(seed_row.languages),
        )
        countries[seed_row.iso2] = (country, seed_row)
    virtual.countries.set([c for c, _s in countries.values()])
    in_person.countries.set([c for c, _s in countries.values()])
    organisations = _create_organisations(countries)
    _create_fixed_logins(countries, organisations, virtual, in_person)
    _create_people(rng, countries, organisations, virtual, in_person)
    _create_regional_network(countries, organisations)
    _date_the_joining(rng)
    return True


def _date_the_joining(rng):
    """Most people joined in the network's first years; a few joined in the last months, from several
    countries, so that "new members" on the network's home page reads as a living network does."""
    now = timezone.now()
    members = list(Member.objects.select_related("user").order_by("id"))
    for member in members:
        member.created_at = now - timedelta(days=rng.randint(400, 3000))
    recent_countries = set()
    fixed = {email for email, _description in demo_logins()} | {"coordinator2@example.org"}
    newcomers = [m for m in members if m.user.email not in fixed]
    rng.shuffle(newcomers)
    for member in newcomers:
        if len(recent_countries) == 7:
            break
        if member.country_id in recent_countries:
            continue
        recent_countries.add(member.country_id)
        member.created_at = now - timedelta(days=9 * len(recent_countries) + rng.randint(0, 6))
    Member.objects.bulk_update(members, ["created_at"], batch_size=500)


def _create_regional_network(countries, organisations):
    """Six southern African countries exchange QI coaches and compare their data between the network's
    sessions; their regional coordinator coordinates this network and no other."""
    regional = Network.objects.create(
        slug="southern-africa",
        name="Southern Africa Regional QI Exchange",
        programme=PROGRAMME,
        kind=Network.Kind.VIRTUAL,
        description="Botswana, Malawi, Mozambique, Namibia, Zambia and Zimbabwe exchange QI coaches and "
        "compare viral-load results between the network's sessions.",
    )
    regional.countries.set([countries[iso2][0] for iso2 in REGIONAL_COUNTRIES])
    email, _description, iso2, role, title = REGIONAL_LOGIN
    country, seed_row = countries[iso2]
    _add_member(
        email=email,
        name=FIXED_NAMES[email],
        country=country,
        organisation=organisations[iso2]["moh"],
        title=title,
        languages=sorted({"en", *seed_row.languages}),
        password=DEMO_PASSWORD,
        networks_roles=[(regional, role)],
    )
    # The countries' focal points take part in the regional network too.
    focal_points = Membership.objects.filter(
        role=Role.FOCAL_POINT, member__country__iso2__in=REGIONAL_COUNTRIES, network__slug="virtual"
    ).values_list("member_id", flat=True)
    Membership.objects.bulk_create(
        [
            Membership(member_id=member_id, network=regional, role=Role.FOCAL_POINT)
            for member_id in focal_points
        ]
    )


def _create_organisations(countries):
    organisations = {}
    for iso2, (country, seed_row) in countries.items():
        moh = Organisation.objects.create(
            name=seed_row.ministry, short_name="MoH", kind=Organisation.Kind.MINISTRY, country=country
        )
        cdc = Organisation.objects.create(
            name=f"CDC {seed_row.name}", short_name="CDC", kind=Organisation.Kind.CDC, country=country
        )
        partner = Organisation.objects.create(
            name=f"{seed_row.name} HIV Care Partnership",
            short_name="Partner",
            kind=Organisation.Kind.PARTNER,
            country=country,
        )
        organisations[iso2] = {"moh": moh, "cdc": cdc, "partner": partner}
    return organisations


def _add_member(*, email, name, country, organisation, title, languages, networks_roles, password=None):
    # Haitians read French and Mozambicans Portuguese: their accounts show the interface in it.
    language = {"HT": "fr", "MZ": "pt"}.get(country.iso2, "")
    user = User.objects.create_user(email, password, language=language, time_zone=country.time_zone)
    member = Member.objects.create(
        user=user,
        full_name=name,
        country=country,
        organisation=organisation,
        title=title,
        languages=languages,
    )
    Membership.objects.bulk_create([Membership(member=member, network=n, role=r) for n, r in networks_roles])
    return member


def _create_fixed_logins(countries, organisations, virtual, in_person):
    for email, _description, iso2, role, title in FIXED_LOGINS:
        country, seed_row = countries[iso2]
        kind = "cdc" if role == Role.OBSERVER else "moh"
        member = _add_member(
            email=email,
            name=FIXED_NAMES[email],
            country=country,
            organisation=organisations[iso2][kind],
            title=title,
            languages=sorted({"en", *seed_row.languages}),
            password=DEMO_PASSWORD,
            networks_roles=[(virtual, role), (in_person, role)],
        )
        if role == Role.COORDINATOR:
            member.user.is_staff = member.user.is_superuser = True
            member.user.save(update_fields=["is_staff", "is_superuser"])


def _create_people(rng, countries, organisations, virtual, in_person):
    """About twelve people a country: a focal point, data managers, members, a CDC observer."""
    for iso2, (country, seed_row) in countries.items():
        plan = [Role.FOCAL_POINT, Role.DATA_MANAGER, Role.DATA_MANAGER, Role.OBSERVER] + [Role.MEMBER] * 8
        if iso2 == "KE":
            plan = plan[1:]  # Kenya's focal point is a fixed demo login
        used = set(FIXED_NAMES.values())
        for index, role in enumerate(plan):
            name = _unique_name(rng, seed_row, used)
            kind = "cdc" if role == Role.OBSERVER else rng.choice(["moh", "moh", "partner"])
            networks_roles = [(virtual, role)]
            if role in (Role.FOCAL_POINT, Role.DATA_MANAGER, Role.OBSERVER) or index % 3 == 0:
                networks_roles.append((in_person, role))  # the country's delegation
            _add_member(
                email=f"{iso2.lower()}.{index + 1:02d}@example.org",
                name=name,
                country=country,
                organisation=organisations[iso2][kind],
                title=rng.choice(TITLES[role]),
                languages=sorted({"en", *seed_row.languages}),
                networks_roles=networks_roles,
            )
        # A second coordinator from the region, so the coordinator role is not one person.
    _add_member(
        email="coordinator2@example.org",
        name="Chikondi Banda",
        country=countries["MW"][0],
        organisation=organisations["MW"]["partner"],
        title="Regional Learning Network Coordinator",
        languages=["en"],
        networks_roles=[(virtual, Role.COORDINATOR), (in_person, Role.COORDINATOR)],
    )


def _unique_name(rng, seed_row, used):
    while True:
        name = f"{rng.choice(seed_row.first_names)} {rng.choice(seed_row.last_names)}"
        if name not in used:
            used.add(name)
            return name
