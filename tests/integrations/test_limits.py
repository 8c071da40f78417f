"""The JSON guard: depth, string length and value counts checked on the bytes, before a parser sees them."""

import gzip
import io
import json
import os
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import (
    JsonGuard,
    ParseLimits,
    _JsonState,
    _scan_exact,
    _scan_fast,
    check_json,
    check_utf8,
    read_document,
    text_lines,
)

SMALL = ParseLimits(max_depth=4, max_text=20, max_nodes=30, max_item_nodes=5)


def read_through(data: bytes, limits: ParseLimits, *, item_depth=None, chunk=7) -> None:
    guard = JsonGuard(io.BytesIO(data), limits, item_depth=item_depth)
    while guard.read(chunk):
        pass


def test_a_document_within_every_limit_passes_unchanged():
    data = json.dumps({"dataValues": [{"dataElement": "a", "value": "1"}, {"dataElement": "b"}]}).encode()
    guard = JsonGuard(io.BytesIO(data), SMALL.with_(max_text=100), item_depth=3)
    assert b"".join(iter(lambda: guard.read(5), b"")) == data


def test_nesting_deeper_than_the_limit_is_refused_where_it_passes_it():
    data = b'{"a":\n  [[[[1]]]]}'
    with pytest.raises(FormatError) as refused:
        read_through(data, SMALL)
    assert "nested more than 4 levels" in refused.value.message
    # The fifth opening bracket: line 2, column 6.
    assert (refused.value.line, refused.value.column) == (2, 6)


def test_brackets_inside_strings_do_not_count_as_nesting():
    data = json.dumps({"comment": '[[[[[[{{{{{ \\" ]]]', "x": ["\\", "[[[["]}).encode()
    read_through(data, SMALL.with_(max_text=100), chunk=3)


def test_a_string_longer_than_the_limit_is_refused_even_inside_one_chunk():
    data = json.dumps({"comment": "x" * 21}).encode()
    with pytest.raises(FormatError, match="string is longer than 20 bytes"):
        read_through(data, SMALL, chunk=1000)


def test_a_string_as_long_as_the_limit_passes():
    read_through(json.dumps({"comment": "x" * 20}).encode(), SMALL, chunk=3)


def test_a_document_read_whole_may_hold_only_so_many_values():
    with pytest.raises(FormatError, match="more than 30 values"):
        check_json(json.dumps(list(range(40))).encode(), SMALL)
    check_json(json.dumps(list(range(20))).encode(), SMALL)


def test_each_streamed_item_may_hold_only_so_many_values_whatever_the_number_of_items():
    items = [{"a": 1, "b": 2} for _ in range(100)]
    read_through(json.dumps({"dataValues": items}).encode(), SMALL, item_depth=3)
    with pytest.raises(FormatError, match="One data value holds more than 5"):
        read_through(
            json.dumps({"dataValues": [*items, {"a": [1, 2, 3, 4, 5, 6]}]}).encode(), SMALL, item_depth=3
        )


def test_a_document_larger_than_the_limit_is_refused_before_it_is_read_whole():
    with pytest.raises(FormatError, match="larger than 1 KB"):
        read_document(io.BytesIO(b" " * 1001), ParseLimits(max_document=1000))
    assert read_document(io.BytesIO(b"[]"), ParseLimits(max_document=1000)) == b"[]"


json_texts = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='ab[]{},"\\ \n'),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=30,
).map(lambda doc: json.dumps(doc).encode())


@settings(max_examples=300, deadline=None)
@given(data=json_texts, cut=st.integers(1, 40), item_depth=st.sampled_from([None, 2, 3]))
def test_the_fast_scan_agrees_with_reading_byte_by_byte(data, cut, item_depth):
    """Both refuse the same piece of the document (the guard then asks the exact scan which limit and where),
    or both pass it and end in the same state."""
    limits = ParseLimits(max_depth=3, max_text=8, max_nodes=12, max_item_nodes=3)
    fast, exact = _JsonState(), _JsonState()
    pieces = [
        piece[i : i + limits.max_text]
        for start in range(0, len(data), cut)
        for piece in [data[start : start + cut]]
        for i in range(0, len(piece), limits.max_text)
    ]
    for piece in pieces:
        fast_problem = _scan_fast(piece, fast, limits, item_depth)
        exact_problem = _scan_exact(piece, exact, limits, item_depth)[1]
        assert (fast_problem is None) == (exact_problem is None)
        if fast_problem is not None:
            return
        assert (fast.depth, fast.in_string, fast.escaped, fast.item_nodes) == (
            exact.depth,
            exact.in_string,
            exact.escaped,
            exact.item_nodes,
        )


def test_text_lines_gives_each_line_with_its_ending_and_drops_the_byte_order_mark():
    stream = io.BytesIO('\ufeffa,b\r\nc,"d\ne"\rf\n'.encode())
    assert list(text_lines(stream)) == ["a,b\r\n", 'c,"d\n', 'e"\r', "f\n"]


def test_text_lines_names_the_line_and_byte_offset_of_a_byte_that_is_not_utf8():
    stream = io.BytesIO(b"\xef\xbb\xbfab\ncd\nx\xffy\n")
    with pytest.raises(FormatError) as refused:
        list(text_lines(stream))
    assert "byte 0xff at byte offset 10 (invalid start byte)" in refused.value.message
    assert refused.value.line == 3


def test_text_lines_refuses_a_line_longer_than_the_limit_without_reading_it_whole():
    with pytest.raises(LimitExceeded, match="Line 2 is longer than 10 bytes"):
        list(text_lines(io.BytesIO(b"short\n" + b"x" * 1_000_000), ParseLimits(max_text=10)))


def test_check_utf8_finds_a_bad_byte_across_chunks_and_accepts_characters_cut_by_them():
    text = "é€😀\n" * 1000
    check_utf8(io.BytesIO(text.encode()), chunk_size=7)
    with pytest.raises(FormatError) as refused:
        check_utf8(io.BytesIO(text.encode() + b"\n\xc3("), chunk_size=7)
    assert f"byte offset {len(text.encode()) + 1:,}" in refused.value.message
    assert refused.value.line == 1002


def test_a_gzip_that_expands_more_than_the_ratio_is_refused_as_it_expands():
    from qicop.integrations.compressed import TooLarge, expand

    bomb = io.BytesIO(gzip.compress(b"0" * 50_000_000))
    with pytest.raises(LimitExceeded, match="at most 200 times is taken"):
        expand(bomb, "gzip", limit=10**9)
    with pytest.raises(TooLarge):
        expand(io.BytesIO(gzip.compress(b"0" * 3_000_000)), "gzip", limit=1_000_000)
    readable = os.urandom(6_000_000).hex().encode()  # compresses about twofold
    inner, _name = expand(io.BytesIO(gzip.compress(readable)), "gzip", limit=10**9)
    assert inner.read() == readable


def test_a_zipped_upload_that_declares_a_bomb_is_refused_before_it_is_expanded():
    from qicop.integrations.compressed import expand

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("values.json", b" " * 30_000_000)
    archive.seek(0)
    with pytest.raises(LimitExceeded, match="expands"):
        expand(archive, "zip", limit=10**9)


def test_text_lines_splits_after_a_lone_carriage_return_wherever_it_is():
    lines = list(text_lines(io.BytesIO(b"a\r\nb\rc\r\n\rd\r")))
    assert lines == ["a\r\n", "b\r", "c\r\n", "\r", "d\r"]
