"""Expressions as people read them: data items by name, the rest of the text as written."""

from qicop.integrations.dhis2.expressions import in_words, uids_in

NAMES = {"OOFPnlI4ly0": "HIV tests done", "Tb7Kq5WUXq1": "People tested", "CocFemale01": "Female"}


def test_each_data_item_is_named_by_its_data_element():
    assert in_words("#{OOFPnlI4ly0} / #{Tb7Kq5WUXq1}", NAMES) == "[HIV tests done] / [People tested]"


def test_a_combo_is_named_after_its_data_element_and_a_wildcard_is_left_out():
    text = "#{OOFPnlI4ly0.CocFemale01} + #{OOFPnlI4ly0.*.CocFemale01}"
    assert in_words(text, NAMES) == "[HIV tests done, Female] + [HIV tests done, Female]"


def test_operators_numbers_functions_and_unknown_items_are_kept():
    text = "if(isNull(#{OOFPnlI4ly0}), 0, #{Unknown0001a}) * 100 + C{Constant001a}"
    assert in_words(text, NAMES) == "if(isNull([HIV tests done]), 0, #{Unknown0001a}) * 100 + C{Constant001a}"


def test_the_uids_of_an_expression_are_read_from_its_text():
    assert uids_in("#{OOFPnlI4ly0.CocFemale01} / #{Tb7Kq5WUXq1.*}") == {
        "OOFPnlI4ly0",
        "CocFemale01",
        "Tb7Kq5WUXq1",
    }
