"""Campaigns, rounds, uploads and follow-ups through the actions, with the protocol in force."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pingji.core.models import DomainEvent
from pingji.tasks.models import Task
from pingji.testing.actions.follow_ups import do_record_retest
from pingji.testing.actions.rounds import do_close_round, do_open_round
from pingji.testing.actions.uploads import do_upload
from pingji.testing.choices import FollowUpStatus, PoolingMode, UploadStatus
from pingji.testing.evidence import Ask, Screen, resident_screen, resident_screens
from pingji.testing.models import Coverage, FollowUp, PositiveTube, Upload

from .conftest import GRID1, GRID2, at, csv_bytes, sampling_file


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload a file and run its job as the commit would (JOBS_BACKEND=sync)."""

    def send(round_, user, kind, content, name="f.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            row, created = do_upload(round_, actor=user, kind=kind, name=name, content=content)
        row.refresh_from_db()
        return row, created

    return send


def test_a_round_takes_its_deadline_and_pooling_from_the_protocol(round_, campaign):
    # Given the 8th edition on 2021-09-11 and a city of 1,000 people (≤ 5 M): 48 hours
    assert round_.deadline - round_.starts_at == datetime.timedelta(hours=48)
    assert round_.pool_mode == PoolingMode.POOLED and round_.pool_ratio == 5
    assert round_.target == 12 and "全员新冠病毒核酸检测" in round_.deadline_clause
    assert DomainEvent.objects.filter(kind="testing.round_opened").count() == 1


def test_a_ratio_the_protocol_does_not_allow_is_refused(campaign, operator):
    with pytest.raises(ValidationError) as exc:
        do_open_round(campaign, actor=operator, starts_at=at(11), ratio=20)
    assert "ratio" in exc.value.message_dict
    assert not campaign.rounds.exists()


def test_quarantine_sites_test_single_tubes_and_class_b_organises_no_mass_testing(
    campaign, operator
):
    campaign.setting = "quarantine_site"
    campaign.save()
    single = do_open_round(campaign, actor=operator, starts_at=at(11))
    assert single.pool_mode == PoolingMode.SINGLE and single.pool_ratio == 1
    do_close_round(single, actor=operator)
    with pytest.raises(ValidationError, match="no longer organises"):
        do_open_round(campaign, actor=operator, starts_at=at(11).replace(year=2023, month=2))


def test_sampling_applies_whole_and_the_same_file_again_changes_nothing(
    upload, round_, operator, residents
):
    content = sampling_file(residents[:9])
    first, created = upload(round_, operator, "sampling", content)
    assert created and first.status == UploadStatus.APPLIED and first.rows == 9, first.errors
    grid1 = Coverage.objects.filter(round=round_, jurisdiction_id=GRID1)
    assert sum(c.target for c in grid1) == 6 and sum(c.sampled for c in grid1) == 6
    compound = grid1.exclude(place=None).get()  # both households count under the compound
    assert compound.target == 6
    again, created = upload(round_, operator, "sampling", content)
    assert not created and again.pk == first.pk
    assert Upload.objects.count() == 1
    assert sum(Coverage.objects.filter(round=round_).values_list("sampled", flat=True)) == 9


def test_bad_sampling_rows_are_all_reported_and_nothing_is_applied(
    upload, round_, operator, residents
):
    a, b, c = residents[:3]
    upload(round_, operator, "sampling", sampling_file([residents[11]], prefix="OLD"))
    rows = [
        f"GOOD00001,{a.pk},2021-09-11 09:00",
        f"GOOD00001,{a.pk},2021-09-11 09:00",  # 3 duplicate row
        f"GOOD00002,{a.pk},2021-09-11 09:00",  # 4 a in two tubes
        f"bad code!,{b.pk},2021-09-11 09:00",  # 5 malformed barcode
        "GOOD00003,999999,2021-09-11 09:00",  # 6 not a resident of the round
        f"GOOD00004,{c.pk},yesterday",  # 7 bad time
        f"GOOD00005,{c.pk},2021-09-10 09:00",  # 8 before the round
        f"OLD0000000,{residents[5].pk},2021-09-11 09:00",  # 9 tube of an earlier file
        f"GOOD00006,{residents[11].pk},2021-09-11 09:00",  # 10 sampled earlier
    ]
    row, _ = upload(round_, operator, "sampling", csv_bytes("barcode,person,sampled_at", rows))
    assert row.status == UploadStatus.REFUSED
    found = {(e["row"], e["field"]) for e in row.errors}
    assert {
        (3, "row"),
        (4, "person"),
        (5, "barcode"),
        (6, "person"),
        (7, "sampled_at"),
        (8, "sampled_at"),
        (9, "barcode"),
        (10, "person"),
    } <= found
    assert sum(Coverage.objects.filter(round=round_).values_list("sampled", flat=True)) == 1


def test_a_tube_over_the_ratio_and_a_missing_column_are_refused(
    upload, round_, operator, residents
):
    row, _ = upload(round_, operator, "sampling", sampling_file(residents[:6], per_tube=6))
    assert row.status == UploadStatus.REFUSED and "more than" in row.errors[0]["reason"]
    bad, _ = upload(round_, operator, "sampling", csv_bytes("barcode,when", ["T1,x"]))
    assert bad.status == UploadStatus.REFUSED and bad.errors[0]["field"] == "sampled_at"


def test_a_positive_pool_puts_every_member_under_control_as_work_items(
    upload, round_, operator, residents
):
    upload(round_, operator, "sampling", sampling_file(residents, per_tube=3))
    results = csv_bytes(
        "barcode,result,resulted_at",
        [f"T{i:07d},{'阳性' if i == 1 else '阴性'},2021-09-11 20:00" for i in range(4)],
    )
    row, _ = upload(round_, operator, "results", results)
    assert row.status == UploadStatus.APPLIED
    tube = PositiveTube.objects.get()
    assert tube.barcode == "T0000001" and tube.size == 3 and tube.jurisdiction_id == GRID1
    members = FollowUp.objects.filter(tube=tube)
    assert {m.person_id for m in members} == {p.pk for p in residents[3:6]}
    tasks = Task.objects.filter(kind="testing.retest")
    assert tasks.count() == 3 and {t.jurisdiction_id for t in tasks} == {GRID1}
    assert all(t.deadline == tube.resulted_at + datetime.timedelta(hours=24) for t in tasks)
    assert Coverage.objects.filter(round=round_, positive__gt=0).count() >= 1
    # the same results again are refused row by row: each tube already has a result
    twice, _ = upload(round_, operator, "results", results.replace(b"20:00", b"21:00"))
    assert twice.status == UploadStatus.REFUSED and twice.error_count == 4
    assert PositiveTube.objects.count() == 1
    # a negative retest closes the work item; a positive one asks for the case report
    first, second = members[0], members[1]
    do_record_retest(first, actor=operator, result="negative", barcode="R1")
    do_record_retest(second, actor=operator, result="positive", barcode="R2")
    assert Task.objects.filter(kind="testing.retest", status="done").count() == 2
    second.refresh_from_db()
    assert second.status == FollowUpStatus.POSITIVE
    with pytest.raises(ValidationError):
        do_record_retest(second, actor=operator, result="negative")


def test_results_for_unknown_or_malformed_tubes_are_refused(upload, round_, operator, residents):
    upload(round_, operator, "sampling", sampling_file(residents[:3]))
    rows = [
        "T0000000,阴性,2021-09-11 20:00",
        "T9999999,阴性,2021-09-11 20:00",
        "??,阴性,2021-09-11 20:00",
        "T0000000,maybe,2021-09-11 20:00",
    ]
    row, _ = upload(round_, operator, "results", csv_bytes("barcode,result,resulted_at", rows))
    reasons = {(e["row"], e["field"]) for e in row.errors}
    assert {(3, "barcode"), (4, "barcode"), (5, "result"), (5, "row")} <= reasons
    assert row.status == UploadStatus.REFUSED and not PositiveTube.objects.exists()


def test_resident_screen_counts_the_extent_in_the_window(upload, round_, operator, residents, tree):
    upload(round_, operator, "sampling", sampling_file(residents, per_tube=3))
    results = csv_bytes(
        "barcode,result,resulted_at", [f"T{i:07d},阴性,2021-09-11 20:00" for i in range(3)]
    )
    upload(round_, operator, "results", results)
    grid1 = resident_screen([GRID1], [], at(11, 0), at(12, 0))
    assert (grid1.target, grid1.tested, grid1.positive, grid1.rounds) == (6, 6, 0, 1)
    assert grid1.complete
    county = resident_screen(["350322"], [], at(11, 0), at(12, 0))
    assert county.target == 12 and county.tested == 9 and not county.complete
    before = resident_screen([GRID2], [], at(1, 0), at(10, 0))
    assert before.tested == 0 and before.rounds == 0
    compound = residents[0].household.place
    by_place = resident_screen([], [compound.pk], at(11, 0), at(12, 0))
    assert by_place.target == 6 and by_place.complete


def test_many_screens_at_once_answer_as_each_alone(upload, round_, operator, residents, tree):
    """The areas' daily evaluation asks thousands of extents in one call (decision 0015)."""
    upload(round_, operator, "sampling", sampling_file(residents, per_tube=3))
    compound = residents[0].household.place
    asks = [
        Ask([GRID1], [], at(11, 0), at(12, 0)),
        Ask(["350322"], [], at(11, 0), at(12, 0)),
        Ask([GRID2], [], at(1, 0), at(10, 0)),
        Ask([], [compound.pk], at(11, 0), at(12, 0)),
        Ask([GRID1, GRID2], [compound.pk], at(1, 0), at(12, 0)),
        Ask([], [], at(1, 0), at(12, 0)),
    ]
    together = resident_screens(asks)
    assert together == [resident_screen(*ask) for ask in asks]
    assert together[1].target == 12 and together[-1] == Screen(0, 0, 0, False, 0)


def test_another_county_cannot_upload_to_the_round(upload, round_, huli, residents):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_upload(
            round_, actor=huli, kind="sampling", name="x.csv", content=sampling_file(residents[:3])
        )
    assert not Upload.objects.exists()


def test_a_gbk_file_is_read_and_a_file_in_neither_encoding_refused(
    upload, round_, operator, residents
):
    content = sampling_file(residents[:3]).replace(b"barcode", "条码".encode("gbk"), 1)
    gbk, _ = upload(
        round_, operator, "sampling", content.replace(b"person", "人员编号".encode("gbk"))
    )
    assert gbk.status == UploadStatus.APPLIED and gbk.rows == 3, gbk.errors
    garbled = sampling_file(residents[3:6], prefix="X") + b"\xff\xfe\x00\x81\n"
    refused, _ = upload(round_, operator, "sampling", garbled, name="other.csv")
    assert refused.status == UploadStatus.REFUSED
    assert "neither UTF-8 nor GBK" in refused.errors[0]["reason"]
