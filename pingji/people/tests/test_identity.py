"""Identity numbers (GB 11643-1999) and mobile phones: validation, derivation and masks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pingji.core.personal_data import mask_id_number, mask_phone
from pingji.people.identity import (
    birth_date_of,
    compose_id_number,
    id_check_char,
    normalize_id_number,
    normalize_phone,
    sex_of,
)

valid_ids = st.builds(
    compose_id_number,
    region=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    birth_date=st.dates(datetime.date(1900, 1, 1), datetime.date.today()),
    serial=st.integers(0, 999),
)


@given(valid_ids)
def test_every_well_formed_number_passes_unchanged(number):
    assert normalize_id_number(number) == number


@given(valid_ids, st.integers(0, 17), st.data())
def test_any_single_character_change_is_refused(number, position, data):
    # given a valid number and another character at one position
    alphabet = "0123456789X" if position == 17 else "0123456789"
    other = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    mutated = number[:position] + other + number[position + 1 :]
    # when it is validated, then it is refused (check character, or an impossible birth date)
    with pytest.raises(ValidationError) as caught:
        normalize_id_number(mutated)
    assert caught.value.code in {"id_checksum", "id_birth_date"}


def test_a_published_example_number_is_valid():
    # GB 11643-1999 Appendix A: 11010519491231002 has the check character X
    assert id_check_char("11010519491231002") == "X"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "code", "needle"),
    [
        ("", "id_format", "got 0 characters"),
        ("3503221990010112", "id_format", "got 16 characters"),
        ("35032219900101123X9", "id_format", "got 19 characters"),
        ("35032219900101A234", "id_format", "17 digits"),
        ("350322<script>1234", "id_format", "17 digits"),
        ("350322199002301234", "id_birth_date", "19900230"),
        ("110105194912310021", "id_checksum", "expected X"),
    ],
)
def test_malformed_numbers_say_what_is_wrong(raw, code, needle):
    with pytest.raises(ValidationError) as caught:
        normalize_id_number(raw)
    assert caught.value.code == code
    assert needle in caught.value.messages[0]


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future"):
        normalize_id_number(compose_id_number("350322", tomorrow, 1))


def test_spaces_and_full_width_digits_from_an_input_method_are_normalised():
    number = compose_id_number("350322", datetime.date(1990, 1, 1), 123)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert normalize_id_number(f" {number[:6]} {number[6:14]} {number[14:]} ") == number
    assert normalize_id_number(full_width) == number


def test_sex_and_birth_date_come_from_the_number():
    man = compose_id_number("350322", datetime.date(1985, 7, 9), 13)
    woman = compose_id_number("350322", datetime.date(2001, 2, 28), 24)
    assert (sex_of(man), birth_date_of(man)) == ("M", datetime.date(1985, 7, 9))
    assert (sex_of(woman), birth_date_of(woman)) == ("F", datetime.date(2001, 2, 28))


@pytest.mark.parametrize(
    ("raw", "plain"),
    [("13912345678", "13912345678"), ("+86 139-1234-5678", "13912345678")],
)
def test_mobile_numbers_are_normalised(raw, plain):
    assert normalize_phone(raw) == plain


@pytest.mark.parametrize("raw", ["", "1391234567", "12912345678", "0591-2345678", "1391234567a"])
def test_other_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError) as caught:
        normalize_phone(raw)
    assert caught.value.code == "phone_format"


def test_masks_keep_only_the_region_and_the_check_character():
    # the serial (characters 15-17) is hidden with the birth date (decision 0031)
    assert mask_id_number("35032219900101123X") == "350322***********X"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_id_number("") == mask_phone("") == ""
