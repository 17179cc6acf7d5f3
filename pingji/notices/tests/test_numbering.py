"""Numbers are allotted once and never twice: a rolled-back issue leaves a gap (decision 0043)."""

import pytest
from django.db import IntegrityError, transaction

from pingji.notices import numbering
from pingji.notices.actions.issuing import Draft, issue
from pingji.notices.models import Notice, NoticeCounter

pytestmark = pytest.mark.django_db


def drafts(grid, n, prefix="household"):
    return [
        Draft(f"{prefix}:{i}", f"住户{i}", grid.code, {"title": "封控告知书"}) for i in range(n)
    ]


def test_the_short_name_drops_the_level():
    assert numbering.short_name("仙游县") == "仙游"
    assert numbering.short_name("莆田市") == "莆田"
    assert numbering.short_name("城区") == "城区"  # too short to lose its suffix
    assert numbering.number("仙游县", "sealing", 2021, 7) == "仙游〔2021〕封第0007号"


def test_a_rolled_back_issue_leaves_a_gap_not_a_duplicate(tree):
    county, grid = tree["350322"], tree["350322100001001"]
    source = subject = county  # any row serves as the decision here
    first = issue("sealing", issuer=county, source=source, subject=subject, drafts=drafts(grid, 2))
    assert sorted(n.sequence for n in first.values()) == [1, 2]

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        issue("sealing", issuer=county, source=grid, subject=subject, drafts=drafts(grid, 3))
        raise Boom  # the decision fails after its notices were numbered
    assert Notice.objects.count() == 2
    third = issue(
        "sealing", issuer=county, source=tree["3503"], subject=subject, drafts=drafts(grid, 1)
    )
    # the counter rolled back with the block it numbered (one transaction): the next number
    # follows the last one kept, at most leaving a gap, never giving a kept number again
    (notice,) = third.values()
    assert notice.sequence >= 3
    numbers = list(Notice.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3


def test_a_block_rolled_back_inside_a_committed_transaction_gives_no_number_twice(tree):
    """A savepoint rolled back inside a transaction that commits: the counter it moved is
    rolled back with it, and the numbers given before it are never given again."""
    county, grid = tree["350322"], tree["350322100001001"]
    with transaction.atomic():
        first = numbering.allot(county.code, "release", 2021, 5)
        try:
            with transaction.atomic():
                numbering.allot(county.code, "release", 2021, 5)
                raise IntegrityError("a notice row refused")
        except IntegrityError:
            pass
        after = numbering.allot(county.code, "release", 2021, 1)
    assert (first, after) == (1, 6)
    assert NoticeCounter.objects.get(kind="release").last == 6
    assert grid.code.startswith(county.code)


def test_two_notices_can_never_share_a_number(tree):
    county = tree["350322"]
    issue("release", issuer=county, source=county, subject=county, drafts=drafts(county, 1, "p"))
    notice = Notice.objects.get()
    clone = Notice(
        **{
            f.attname: getattr(notice, f.attname)
            for f in Notice._meta.concrete_fields
            if f.attname != "id"
        }
    )
    clone.recipient_key, clone.token = "p:other", "x" * 22
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()
    clone.number = (
        "仙游〔2021〕隔第9999号"  # a new number but the same (issuer, kind, year, sequence)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_counters_are_per_issuer_kind_and_year(tree):
    county, huli = tree["350322"], tree["350206"]
    for issuer in (county, huli):
        issue(
            "release", issuer=issuer, source=issuer, subject=issuer, drafts=drafts(issuer, 1, "p")
        )
    issue("pause", issuer=county, source=county, subject=county, drafts=drafts(county, 1, "e"))
    assert sorted(Notice.objects.values_list("number", flat=True)) == sorted(
        [f"仙游〔{y}〕隔第0001号" for y in [Notice.objects.first().year]]
        + [f"湖里〔{Notice.objects.first().year}〕隔第0001号"]
        + [f"仙游〔{Notice.objects.first().year}〕停第0001号"]
    )


def test_allotting_nothing_is_refused(tree):
    with pytest.raises(ValueError), transaction.atomic():
        numbering.allot("350322", "release", 2021, 0)
