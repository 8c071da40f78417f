"""The demo network: realistic, deterministic, idempotent."""

from django.db.models import Count

from qicop.demo import DEMO_LOGINS, load_demo
from qicop.network.models import Country, Member, Membership, Network, Organisation, Role

COUNTRIES_OF_THE_BRIEF = {
    "BW",
    "KH",
    "GY",
    "HT",
    "KE",
    "LA",
    "MW",
    "MZ",
    "NA",
    "NG",
    "PG",
    "TH",
    "UG",
    "VN",
    "ZM",
    "ZW",
}


def test_the_demo_has_two_learning_networks_a_regional_one_sixteen_countries_and_about_two_hundred_people(db):
    assert load_demo(with_data=False) is True
    assert set(Network.objects.values_list("slug", flat=True)) == {
        "virtual",
        "all-country",
        "southern-africa",
    }
    assert set(Country.objects.values_list("iso2", flat=True)) == COUNTRIES_OF_THE_BRIEF
    assert 190 <= Member.objects.count() <= 220
    for country in Country.objects.all():
        kinds = set(Organisation.objects.filter(country=country).values_list("kind", flat=True))
        assert {"moh", "cdc"} <= kinds, country


def test_every_role_is_represented_in_every_learning_network(demo):
    for network in Network.objects.exclude(slug="southern-africa"):
        roles = set(Membership.objects.filter(network=network).values_list("role", flat=True))
        assert roles == set(Role.values), network


def test_every_country_has_a_focal_point_in_the_virtual_network(demo):
    with_focal_point = (
        Membership.objects.filter(network__slug="virtual", role=Role.FOCAL_POINT)
        .values("member__country")
        .annotate(n=Count("id"))
    )
    assert len(with_focal_point) == 16


def test_loading_twice_creates_nothing_new(demo):
    before = Member.objects.count()
    assert load_demo(with_data=False) is False
    assert Member.objects.count() == before


def test_the_same_seed_gives_the_same_people(db):
    from qicop.network.demo import load_network_demo  # the part of the demo that makes the people

    load_network_demo(seed=7)
    first = list(Member.objects.order_by("user__email").values_list("user__email", "full_name", "title"))
    Network.objects.all().delete()
    Member.objects.all().delete()
    Organisation.objects.all().delete()
    Country.objects.all().delete()
    from qicop.accounts.models import User

    User.objects.all().delete()
    load_network_demo(seed=7)
    second = list(Member.objects.order_by("user__email").values_list("user__email", "full_name", "title"))
    assert first == second


def test_the_fixed_demo_logins_sign_in_with_the_demo_password(demo, client):
    for email, _description in DEMO_LOGINS:
        assert client.login(username=email, password="demo"), email
        client.logout()


def test_the_regional_coordinator_answers_for_her_networks_countries_only(demo):
    """Coordinating one network is not coordinating every network: she reads and writes the data of the
    southern African countries, and of Kenya only what any member reads (what Kenya published)."""
    from qicop.accounts.models import User
    from qicop.indicators.models import DataValue, Publication
    from qicop.indicators.permissions import WriteScope
    from qicop.indicators.selectors import published_condition, visible_values

    regional = User.objects.get(email="coordinator.sadc@example.org")
    zambia, kenya = Country.objects.get(iso2="ZM"), Country.objects.get(iso2="KE")
    scope = WriteScope.of(regional)
    assert scope.writes_country(zambia.pk) and not scope.writes_country(kenya.pk)
    assert not scope.shared  # the metadata every country's charts use is not hers to change
    unpublished_kenyan = DataValue.objects.filter(org_unit__country=kenya).exclude(published_condition())
    assert unpublished_kenyan.exists() and Publication.objects.filter(country=kenya).exists()
    seen = visible_values(regional)
    some_unpublished_kenyan = list(unpublished_kenyan.values_list("pk", flat=True)[:1000])
    assert not seen.filter(pk__in=some_unpublished_kenyan).exists()
    assert seen.filter(org_unit__country=kenya).exists()  # Kenya's published months
    zambian = DataValue.objects.filter(org_unit__country=zambia).exclude(published_condition()).first()
    assert zambian is not None and seen.filter(pk=zambian.pk).exists()  # her countries' unpublished months
