"""Personas and factories shared by the whole suite.

The personas live in one small network of three countries:
- Carla, network coordinator (Thailand)
- Faith, focal point of Kenya; Dan, data manager of Kenya; Kim, a plain member from Kenya
- Henri, a member from Haiti
- Olga, an observer from Namibia
- Oscar, an outsider: an account with no membership at all
- and the anonymous visitor (a client that never signs in)
"""

from django.test import Client

PASSWORD = "a-Strong-passw0rd-for-tests"


def make_country(iso2, iso3, name, time_zone, languages=("en",)):
    from qicop.network.models import Country

    return Country.objects.create(
        iso2=iso2, iso3=iso3, name=name, time_zone=time_zone, languages=list(languages)
    )


def make_member(email, name, country, *, network=None, roles=(), organisation=None, **user_fields):
    from qicop.accounts.models import User
    from qicop.network.models import Member, Membership

    user = User.objects.create_user(email, PASSWORD, **user_fields)
    member = Member.objects.create(
        user=user, full_name=name, country=country, organisation=organisation, title="QI Officer"
    )
    for role in roles:
        Membership.objects.create(member=member, network=network, role=role)
    return member


class World:
    """The personas' network, with attribute access to everyone in it."""

    def __init__(self):
        from qicop.search.index import batched

        with batched():  # each person is put in the search index once, not once per membership
            self._build()

    def _build(self):
        from qicop.accounts.models import User
        from qicop.network.models import Network, Organisation, Role

        self.network = Network.objects.create(slug="vln", name="Virtual Learning Network")
        self.other_network = Network.objects.create(
            slug="acn", name="All-Country Network", kind=Network.Kind.IN_PERSON
        )
        self.kenya = make_country("KE", "KEN", "Kenya", "Africa/Nairobi", ("en", "sw"))
        self.haiti = make_country("HT", "HTI", "Haiti", "America/Port-au-Prince", ("fr",))
        self.namibia = make_country("NA", "NAM", "Namibia", "Africa/Windhoek")
        self.thailand = make_country("TH", "THA", "Thailand", "Asia/Bangkok", ("th", "en"))
        self.network.countries.set([self.kenya, self.haiti, self.namibia, self.thailand])
        self.other_network.countries.set([self.kenya, self.haiti])
        self.kenya_moh = Organisation.objects.create(
            name="Ministry of Health Kenya", kind="moh", country=self.kenya
        )
        self.haiti_moh = Organisation.objects.create(name="MSPP", kind="moh", country=self.haiti)
        n = self.network
        self.carla = make_member(
            "carla@example.org", "Carla Coordinator", self.thailand, network=n, roles=[Role.COORDINATOR]
        )
        self.faith = make_member(
            "faith@example.org",
            "Faith Focal",
            self.kenya,
            network=n,
            roles=[Role.FOCAL_POINT],
            organisation=self.kenya_moh,
        )
        self.dan = make_member(
            "dan@example.org",
            "Dan Data",
            self.kenya,
            network=n,
            roles=[Role.DATA_MANAGER],
            organisation=self.kenya_moh,
        )
        self.kim = make_member("kim@example.org", "Kim Member", self.kenya, network=n, roles=[Role.MEMBER])
        self.henri = make_member(
            "henri@example.org",
            "Henri Haïtien",
            self.haiti,
            network=n,
            roles=[Role.MEMBER],
            organisation=self.haiti_moh,
        )
        self.olga = make_member(
            "olga@example.org", "Olga Observer", self.namibia, network=n, roles=[Role.OBSERVER]
        )
        self.oscar = User.objects.create_user("oscar@example.org", PASSWORD)
        from datetime import UTC, datetime

        from qicop.meetings.models import Meeting

        self.meeting = Meeting.objects.create(
            network=self.network,
            title="Reaching the second 95",
            kind=Meeting.Kind.VIRTUAL,
            start=datetime(2030, 3, 10, 13, 0, tzinfo=UTC),
            end=datetime(2030, 3, 10, 14, 30, tzinfo=UTC),
            time_zone="Africa/Nairobi",
            join_url="https://zoom.example.org/j/123",
            status=Meeting.Status.CONFIRMED,
        )
        self.meeting.countries.set([self.kenya, self.haiti, self.thailand])

    def client_for(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            user = self.oscar if persona == "oscar" else getattr(self, persona).user
            client.force_login(user)
        return client


PERSONAS = ["carla", "faith", "dan", "kim", "henri", "olga", "oscar", "anonymous"]
