import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgp.core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    "value, expected",
    [("1", 1), ("0042", 42), (7, 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None), ("-3", None),
     ("²", None), ("١٢", None), ("1.0", None), ("", None), (None, None), (True, None), ("9" * 40, None), (" 1", None)],
)  # fmt: skip
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@given(st.text(max_size=30))
def test_parse_id_never_raises_and_returns_a_storable_id(text):
    result = parse_id(text)
    assert result is None or 0 < result <= MAX_ID and str(result) == text.lstrip("0")
