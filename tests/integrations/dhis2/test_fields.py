"""DHIS2's ``fields`` grammar: what each expression selects, and where one that does not parse fails."""

import pytest

from qicop.integrations.dhis2.fields import Exclude, Field, FieldsError, Preset, Transform, parse_fields


def test_names_separated_by_commas_select_those_properties_in_order():
    assert parse_fields("id,name,code") == (Field("id"), Field("name"), Field("code"))


def test_whitespace_and_empty_entries_are_ignored():
    assert parse_fields(" id , name ,,") == (Field("id"), Field("name"))


def test_star_and_presets_are_presets():
    assert parse_fields("*,:identifiable,:nameable,:owner") == (
        Preset("all"),
        Preset("identifiable"),
        Preset("nameable"),
        Preset("owner"),
    )


def test_an_exclamation_mark_excludes_a_property():
    assert parse_fields(":all,!code") == (Preset("all"), Exclude("code"))


def test_brackets_nest_selections_to_any_depth():
    assert parse_fields("parent[id,parent[id]]") == (
        Field("parent", (Field("id"), Field("parent", (Field("id"),)))),
    )


def test_parentheses_nest_as_brackets_do():
    assert parse_fields("parent(id,name)") == parse_fields("parent[id,name]")


def test_transformers_take_both_spellings_and_their_arguments():
    assert parse_fields("name~rename(label),children::size,dataSets|pluck(name)") == (
        Field("name", transforms=(Transform("rename", ("label",)),)),
        Field("children", transforms=(Transform("size"),)),
        Field("dataSets", transforms=(Transform("pluck", ("name",)),)),
    )


def test_a_transformer_may_come_before_a_nested_selection():
    assert parse_fields("groups::rename(g)[name]") == (
        Field("groups", (Field("name"),), (Transform("rename", ("g",)),)),
    )


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("id,name]", 8, "unexpected ']'"),
        ("parent[id", 10, "ends before it is complete"),
        ("id name", 4, "unexpected 'name'"),
        ("id;name", 3, "unexpected ';'"),
        ("a[b][c]", 1, "two nested selections"),
    ],
)
def test_an_expression_that_does_not_parse_is_refused_naming_the_position(text, position, words):
    with pytest.raises(FieldsError) as caught:
        parse_fields(text)
    assert caught.value.position == position
    assert words in str(caught.value) and f"(position {position})" in str(caught.value)


def test_an_unknown_preset_is_refused_naming_it_and_the_known_ones():
    with pytest.raises(FieldsError, match=r"unknown preset :everything \(qicop knows :all, ") as caught:
        parse_fields("id,:everything")
    assert caught.value.position == 5


def test_an_unknown_transformer_is_refused_naming_it():
    with pytest.raises(FieldsError, match="unknown transformer keyBy"):
        parse_fields("children~keyBy(id)")


def test_a_transformer_with_the_wrong_number_of_arguments_is_refused():
    with pytest.raises(FieldsError, match="rename takes 1 argument"):
        parse_fields("name~rename")
    with pytest.raises(FieldsError, match="size takes 0 argument"):
        parse_fields("children~size(3)")


def test_nesting_and_length_are_bounded():
    with pytest.raises(FieldsError, match="deeper than 10 levels"):
        parse_fields("a" + "[a" * 11 + "]" * 11)
    with pytest.raises(FieldsError, match="longer than 10000 characters"):
        parse_fields("id," * 4000)


def test_parsing_needs_no_django():
    import subprocess
    import sys

    code = (
        "import sys, qicop.integrations.dhis2.fields, qicop.integrations.dhis2.query;"
        "print('django' in sys.modules)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    )
