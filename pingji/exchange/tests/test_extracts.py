"""Importing the national system's extract: all rows or none, once per content, per-row report."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.cases.actions.reports import do_report_case
from pingji.core.models import DomainEvent, ObjectChange
from pingji.exchange.actions.extracts import do_import_extract
from pingji.exchange.contracts import CARD_FILED, EXTRACT_IMPORTED
from pingji.exchange.models import Extract, ExtractCard, ReportCard
from pingji.people.identity import id_check_char
from pingji.tasks.choices import TaskStatus
from pingji.tasks.models import Task

from .helpers import csv_bytes, plain_id, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int, int]:
    return (
        Extract.objects.count(),
        ExtractCard.objects.count(),
        ReportCard.objects.exclude(card_number=None).count(),
        DomainEvent.objects.filter(kind__in=[CARD_FILED, EXTRACT_IMPORTED]).count(),
    )


def test_an_extract_files_the_matching_card_and_closes_its_task(case, epi):
    outcome = do_import_extract(csv_bytes([row("C-1", case.person)]), name="x.csv", actor=epi)
    assert outcome.ok and outcome.created == 1 and outcome.filed == 1
    card = ReportCard.objects.get(case=case)
    assert card.card_number == "C-1" and card.filed_at is not None
    assert Task.objects.for_source(card).get().status == TaskStatus.DONE
    stored = ExtractCard.objects.get()
    assert stored.case == case and stored.county_id == "350322"


def test_the_same_file_twice_changes_nothing(case, epi):
    data = csv_bytes([row("C-1", case.person)])
    do_import_extract(data, name="x.csv", actor=epi)
    before, changes = written(), ObjectChange.objects.count()
    again = do_import_extract(data, name="x.csv", actor=epi)
    assert again.repeated and written() == before and ObjectChange.objects.count() == changes


def test_the_same_cards_in_another_file_are_already_known(case, epi):
    do_import_extract(csv_bytes([row("C-1", case.person)]), name="a.csv", actor=epi)
    again = do_import_extract(xlsx_bytes([row("C-1", case.person)]), name="b.xlsx", actor=epi)
    assert again.ok and again.already == 1 and again.created == again.filed == 0
    assert ExtractCard.objects.count() == 1


def test_a_revised_card_updates_what_is_stored(case, epi):
    do_import_extract(csv_bytes([row("C-1", case.person)]), name="a.csv", actor=epi)
    revised = row("C-1", case.person, cls="无症状感染者")
    outcome = do_import_extract(csv_bytes([revised]), name="b.csv", actor=epi)
    assert outcome.updated == 1
    assert ExtractCard.objects.get().classification == "asymptomatic"


def test_a_person_is_found_by_name_and_birth_date(case, epi):
    person = case.person
    r = row("C-9", None, name=person.name, born=str(person.birth_date))
    outcome = do_import_extract(csv_bytes([r]), name="n.csv", actor=epi)
    assert outcome.ok and outcome.filed == 1


def test_a_known_person_without_a_case_is_an_unmatched_card(epi, make_person):
    person = make_person()
    outcome = do_import_extract(csv_bytes([row("U-1", person)]), name="u.csv", actor=epi)
    assert outcome.ok and outcome.unmatched == 1
    assert ExtractCard.objects.get().case is None


def wrong_check(number: str) -> str:
    right = id_check_char(number[:17])
    return number[:17] + ("1" if right != "1" else "2")


def test_every_bad_row_is_reported_and_nothing_is_written(case, epi, make_person):
    good = row("C-1", case.person)
    stranger = "11010119800101" + "0011"
    stranger = stranger[:17] + id_check_char(stranger[:17])
    rows = [
        good,
        row("C-2", id_number=stranger),  # nobody here
        row("C-3", id_number=wrong_check(plain_id(case.person))),
        row("C-4", case.person, county="110101"),  # another province
        row("C-1", make_person()),  # the card number again
        row("=cmd|' /C calc'!A0", case.person),
        row("C-6", case.person, cls="<script>"),
    ]
    before = written()
    outcome = do_import_extract(csv_bytes(rows), name="bad.csv", actor=epi)
    assert not outcome.ok
    by_row = {e.row: e for e in outcome.errors}
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert "Nobody in your area" in by_row[3].reason
    assert "check character" in by_row[4].reason
    assert "another province" in by_row[5].reason
    assert "already on row 2" in by_row[6].reason
    assert by_row[8].field == "病例分类"
    report = " ".join(e.reason for e in outcome.errors)
    assert plain_id(case.person) not in report and stranger not in report
    assert written() == before
    assert ReportCard.objects.get(case=case).card_number is None


def test_another_county_s_cards_are_refused(case, huli_epi):
    outcome = do_import_extract(csv_bytes([row("C-1", case.person)]), name="x", actor=huli_epi)
    assert not outcome.ok
    assert "outside your area" in outcome.errors[0].reason
    assert written() == (0, 0, 0, 0)


def test_a_person_of_another_county_is_not_found(case, huli_epi):
    r = row("C-1", case.person, county="350206")
    outcome = do_import_extract(csv_bytes([r]), name="x", actor=huli_epi)
    assert "Nobody in your area" in outcome.errors[0].reason


def test_a_card_number_on_another_case_is_refused(case, epi, make_person, confirmed_facts):
    other = do_report_case(actor=epi, person=make_person(), **confirmed_facts)
    do_import_extract(csv_bytes([row("C-1", case.person)]), name="a", actor=epi)
    outcome = do_import_extract(csv_bytes([row("C-1", other.person)]), name="b", actor=epi)
    assert "another person" in outcome.errors[0].reason


def test_huge_and_unreadable_files_are_refused_whole(epi):
    with pytest.raises(ValidationError):
        do_import_extract(b"x" * (6 << 20), name="big.csv", actor=epi)
    with pytest.raises(ValidationError):
        do_import_extract(b"PK\x03\x04garbage", name="bad.xlsx", actor=epi)
    with pytest.raises(ValidationError):
        do_import_extract(csv_bytes([], header=["a", "b"]), name="h.csv", actor=epi)
    assert written() == (0, 0, 0, 0)


def test_a_cell_too_long_refuses_the_file(case, epi):
    with pytest.raises(ValidationError):
        do_import_extract(csv_bytes([row("x" * 200_000, case.person)]), name="l", actor=epi)
    assert written() == (0, 0, 0, 0)


def test_gbk_csv_is_read(case, epi):
    data = csv_bytes([row("C-1", case.person)], encoding="gbk")
    assert do_import_extract(data, name="gbk.csv", actor=epi).filed == 1


def test_a_role_without_the_right_cannot_import(case, make_user):
    from pingji.users.choices import Role

    with pytest.raises(PermissionDenied):
        do_import_extract(
            csv_bytes([row("C-1", case.person)]), name="x", actor=make_user(Role.OPERATOR)
        )
