"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-character alphabet (the digits and the capital letters without I, O,
Z, S and V, which are easily misread): registration authority (1), organisation type (1), the
6-digit administrative division of registration (GB/T 2260), the 9-character organisation code
(GB 11714) and one check character. The check character is computed as GB 32100-2015 §4.3 sets:
the weight of position i (1-based) is 3^(i-1) mod 31, C18 = 31 − (Σ value·weight mod 31), and a
result of 31 is written 0.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, …
LENGTH = 18


def check_character(first17: str) -> str:
    """The 18th character of a code whose first 17 are given (GB 32100-2015 §4.3)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "")


def validate_credit_code(code: str) -> str:
    """The normalised code, or ValidationError saying what is wrong with it."""
    code = normalize(code)
    if len(code) != LENGTH:
        raise ValidationError(
            _("A unified social credit code has %(n)d characters; this one has %(m)d.")
            % {"n": LENGTH, "m": len(code)},
            code="length",
        )
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        raise ValidationError(
            _("Characters not allowed in a credit code: %(chars)s (I, O, Z, S, V are never used).")
            % {"chars": " ".join(wrong)},
            code="alphabet",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3–8 of a credit code are the division code and must be digits."),
            code="division",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong (expected %(c)s): the code was mistyped.")
            % {"c": expected},
            code="check",
        )
    return code
