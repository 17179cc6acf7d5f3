"""protocol_for: the version in force for a jurisdiction on a day, and the reason."""

import datetime

import pytest
from django.utils import timezone

from pingji.protocols.versions import NoProtocolInForce, explain, protocol_for

from .factories import ProtocolFactory, national

D = datetime.date.fromisoformat
PUTIAN_COUNTY = "350322"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day, code",
    [
        ("2021-05-11", "cn-8th-edition"),
        ("2021-09-15", "cn-8th-edition"),
        ("2022-06-27", "cn-8th-edition"),
        ("2022-07-01", "cn-9th-edition"),
        ("2022-12-01", "cn-20-measures"),
        ("2023-02-01", "cn-class-b"),
    ],
)
def test_the_national_version_in_force_on_a_day(day, code):
    assert protocol_for(PUTIAN_COUNTY, D(day)).code == code


@pytest.mark.django_db
def test_before_the_first_version_nothing_is_in_force():
    with pytest.raises(NoProtocolInForce):
        protocol_for(PUTIAN_COUNTY, D("2021-05-10"))
    choice = explain(PUTIAN_COUNTY, D("2021-05-10"))
    assert choice.protocol is None
    assert {c.status for c in choice.candidates} == {"not_yet_effective"}


@pytest.mark.django_db
def test_a_fujian_copy_overrides_for_putian_but_not_for_another_province():
    # given Fujian's copy of the 8th edition, effective 2021-09-20
    fujian = ProtocolFactory(
        jurisdiction_code="35", effective_from=D("2021-09-20"), based_on=national()
    )
    # then it applies in Putian from that day, not the day before, and never in Hunan
    assert protocol_for(PUTIAN_COUNTY, D("2021-10-01")) == fujian
    assert protocol_for("3503", D("2021-10-01")) == fujian
    assert protocol_for(PUTIAN_COUNTY, D("2021-09-19")).code == "cn-8th-edition"
    assert protocol_for("430102", D("2021-10-01")).code == "cn-8th-edition"
    assert protocol_for("", D("2021-10-01")).code == "cn-8th-edition"


@pytest.mark.django_db
def test_a_later_national_version_supersedes_an_older_provincial_copy():
    fujian = ProtocolFactory(jurisdiction_code="35", effective_from=D("2021-09-20"))
    assert protocol_for(PUTIAN_COUNTY, D("2022-07-01")).code == "cn-9th-edition"
    assert protocol_for(PUTIAN_COUNTY, D("2023-02-01")).code == "cn-class-b"
    choice = explain(PUTIAN_COUNTY, D("2022-07-01"))
    statuses = {c.protocol.pk: c.status for c in choice.candidates}
    assert statuses[fujian.pk] == "superseded"
    assert statuses[national("cn-20-measures").pk] == "not_yet_effective"


@pytest.mark.django_db
def test_on_the_same_day_the_most_specific_area_wins():
    province = ProtocolFactory(jurisdiction_code="35", effective_from=D("2021-10-01"))
    city = ProtocolFactory(jurisdiction_code="3503", effective_from=D("2021-10-01"))
    assert protocol_for(PUTIAN_COUNTY, D("2021-10-02")) == city
    assert protocol_for("350206", D("2021-10-02")) == province


@pytest.mark.django_db
def test_a_sibling_areas_version_never_applies():
    ProtocolFactory(jurisdiction_code="350321", effective_from=D("2021-10-01"))
    ProtocolFactory(jurisdiction_code="3503221", effective_from=D("2021-10-01"))  # not an ancestor
    assert protocol_for(PUTIAN_COUNTY, D("2021-10-02")).code == "cn-8th-edition"


@pytest.mark.django_db
def test_explain_names_the_version_and_accepts_a_jurisdiction_and_a_datetime(tree):
    when = timezone.make_aware(datetime.datetime(2021, 9, 15, 23, 30))
    choice = explain(tree[PUTIAN_COUNTY], when)
    assert choice.protocol.code == "cn-8th-edition"
    assert choice.on == D("2021-09-15")
    assert "新型冠状病毒肺炎防控方案（第八版）" in choice.reason
    assert [c.status for c in choice.candidates if c.protocol == choice.protocol] == ["in_force"]
