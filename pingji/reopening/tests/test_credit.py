"""The unified social credit code's check character (GB 32100-2015)."""

import pytest
from django.core.exceptions import ValidationError

from pingji.reopening.credit import ALPHABET, WEIGHTS, check_character, validate_credit_code


def test_weights_and_alphabet_are_the_standards():
    assert len(ALPHABET) == 31 and not set("IOZSV") & set(ALPHABET)
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_a_published_code_validates():
    # China Petroleum & Chemical Corporation (Sinopec), as printed on its business licence.
    assert validate_credit_code(" 91110000802100433b ") == "91110000802100433B"


def test_a_check_value_of_31_is_written_0():
    first = next(
        f"91350322MA{n:07d}" for n in range(100000) if check_character(f"91350322MA{n:07d}") == "0"
    )
    assert validate_credit_code(first + "0")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9111000080210043", "length"),
        ("91110000802100433O", "alphabet"),
        ("9111A000802100433B", "division"),
        ("91110000802100433C", "check"),
        ("91110000802100443B", "check"),  # two digits swapped
    ],
)
def test_wrong_codes_say_what_is_wrong(code, reason):
    with pytest.raises(ValidationError) as err:
        validate_credit_code(code)
    assert err.value.code == reason
