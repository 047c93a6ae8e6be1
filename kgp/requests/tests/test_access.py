"""Ids from the outside: only ASCII digits within the database's range reach a query."""

from __future__ import annotations

import pytest
from django.http import Http404

from kgp.requests import access, package


@pytest.mark.parametrize("value", ["²", "١٢", "-1", "0", "", " 1", "1.0", "9" * 19, "99999999999999999999999", None, True, 2**63])
def test_bad_ids_are_refused(value):
    assert access.parse_pk(value) is None
    assert package.parse_id(value) is None
    with pytest.raises(Http404):
        access._pk(value)


def test_good_ids_are_read():
    assert access.parse_pk("42") == 42 == package.parse_id("42")
    assert access.parse_pk(7) == 7
    assert access.parse_pk("9" * 18) == int("9" * 18)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_check_result_sent_to_refuses_bad_ids(coordinator, value):
    assert access.check_result_sent_to(coordinator, value) is False


def test_notes_lose_control_characters_but_keep_line_breaks():
    assert package.clean_note(" a\x00b\r\nc\x1b ") == "ab\nc"
    assert package.clean_note(None) == ""
