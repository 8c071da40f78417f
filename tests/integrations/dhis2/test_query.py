"""DHIS2's ``filter`` and ``order`` parameters, read as text (no database)."""

import pytest

from qicop.integrations.dhis2.query import Filter, Order, QueryError, parse_filter, parse_order


def test_a_filter_is_property_operator_value():
    assert parse_filter("name:ilike:nakuru") == Filter(("name",), "ilike", "nakuru")


def test_a_filter_path_crosses_references_with_dots():
    assert parse_filter("parent.id:eq:KenyaRoot01").path == ("parent", "id")


def test_a_value_may_itself_contain_colons():
    assert parse_filter("lastUpdated:gt:2024-01-01T10:00:00").value == "2024-01-01T10:00:00"


@pytest.mark.parametrize(
    ("alias", "canonical"), [("ne", "!eq"), ("neq", "!eq"), ("gte", "ge"), ("lte", "le")]
)
def test_dhis2s_aliases_mean_their_operator(alias, canonical):
    assert parse_filter(f"level:{alias}:2").operator == canonical


def test_in_takes_a_bracketed_list_or_a_bare_one():
    assert parse_filter("code:in:[KE,HT]").values == ("KE", "HT")
    assert parse_filter("code:!in:KE,HT").values == ("KE", "HT")


def test_null_and_empty_take_no_value():
    assert parse_filter("code:null") == Filter(("code",), "null")
    assert parse_filter("children:!empty") == Filter(("children",), "!empty")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name:contains:x", "'contains' is not an operator"),
        ("name", "is not property:operator:value"),
        ("name:eq", "the operator eq needs a value"),
        ("code:in:[]", "in needs at least one value"),
        ("parent..id:eq:x", "is not a property path"),
    ],
)
def test_a_filter_qicop_cannot_follow_is_refused_naming_what_is_wrong(text, words):
    with pytest.raises(QueryError, match=words):
        parse_filter(text)


def test_order_lists_properties_with_directions_asc_by_default():
    assert parse_order("name:asc,code:desc,level,shortName:iasc") == (
        Order(("name",), "asc"),
        Order(("code",), "desc"),
        Order(("level",), "asc"),
        Order(("shortName",), "iasc"),
    )


def test_an_unknown_direction_is_refused():
    with pytest.raises(QueryError, match="'up' is not a direction"):
        parse_order("name:up")
