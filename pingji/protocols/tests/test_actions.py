"""Copy, amend and load: validation, scope, duplicates, events — and nothing half-written."""

import datetime
import json
import shutil

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from pingji.core.models import DomainEvent
from pingji.protocols.actions.versions import (
    do_amend_protocol,
    do_copy_protocol,
    do_load_national_protocols,
)
from pingji.protocols.loading import DATA_DIR, bundled_packs, bundled_versions, load_national
from pingji.protocols.models import COVID_19, Disease, Protocol
from pingji.users.choices import Role

from .factories import ProtocolFactory, bundled_rules, national

D = datetime.date.fromisoformat


@pytest.fixture
def province_admin(make_user):
    return make_user(Role.ADMINISTRATOR, "35", username="fj-admin")


@pytest.fixture
def xiamen_admin(make_user):
    return make_user(Role.ADMINISTRATOR, "3502", username="xm-admin")


def copy_for_fujian(actor, day="2021-09-20", **extra):
    return do_copy_protocol(
        national(),
        jurisdiction_code="35",
        effective_from=D(day),
        name="福建省方案",
        actor=actor,
        **extra,
    )


def test_copy_creates_a_version_for_the_area_with_the_same_rules(province_admin):
    copy = copy_for_fujian(province_admin, notes="本省执行")
    assert copy.jurisdiction_code == "35" and copy.based_on == national()
    assert copy.rules == national().rules and copy.notes == "本省执行"
    assert copy.code == "35-20210920-cn-8th-edition"
    event = DomainEvent.objects.get(kind="protocols.protocol_copied")
    assert event.jurisdiction_code == "35" and event.actor == province_admin
    assert event.object_id == str(copy.pk)


def test_a_second_version_for_the_same_area_and_day_is_refused(province_admin):
    copy_for_fujian(province_admin)
    with pytest.raises(ValidationError) as exc:
        copy_for_fujian(province_admin)
    assert (
        "already has a version taking effect on 2021-09-20"
        in exc.value.message_dict["effective_from"][0]
    )
    assert Protocol.objects.filter(jurisdiction_code="35").count() == 1


def test_a_copy_outside_the_actors_area_is_refused_and_leaves_nothing(xiamen_admin):
    with pytest.raises(PermissionDenied):
        do_copy_protocol(
            national(),
            jurisdiction_code="3503",
            effective_from=D("2021-09-20"),
            name="莆田",
            actor=xiamen_admin,
        )
    with pytest.raises(PermissionDenied):  # national is above every scoped user
        do_copy_protocol(
            national(),
            jurisdiction_code="",
            effective_from=D("2021-09-21"),
            name="全国",
            actor=xiamen_admin,
        )
    assert not Protocol.objects.exclude(jurisdiction_code="").exists()
    assert not DomainEvent.objects.filter(kind__startswith="protocols.").exists()


def test_a_version_the_actor_cannot_see_cannot_be_copied(xiamen_admin, tree):
    putian = ProtocolFactory(jurisdiction_code="3503")
    with pytest.raises(PermissionDenied):
        do_copy_protocol(
            putian,
            jurisdiction_code="3502",
            effective_from=D("2021-10-01"),
            name="x",
            actor=xiamen_admin,
        )


def test_a_county_operator_cannot_copy(county_user):
    with pytest.raises(PermissionDenied):
        do_copy_protocol(
            national(),
            jurisdiction_code="350322",
            effective_from=D("2021-10-01"),
            name="x",
            actor=county_user,
        )
    assert not Protocol.objects.filter(jurisdiction_code="350322").exists()


def test_amend_changes_the_rules_and_records_the_changed_paths(province_admin):
    copy = copy_for_fujian(province_admin)
    rules = bundled_rules()
    rules["regimes"]["secondary_contact"]["home_quarantine_days"] = 7
    do_amend_protocol(copy, rules=rules, reason="本省次密接 7+7", actor=province_admin)
    copy.refresh_from_db()
    assert copy.rules["regimes"]["secondary_contact"]["home_quarantine_days"] == 7
    event = DomainEvent.objects.get(kind="protocols.protocol_amended")
    assert event.payload["rule_paths"] == ["$.regimes.secondary_contact.home_quarantine_days"]
    assert event.payload["reason"] == "本省次密接 7+7" and event.payload["fields"] == ["rules"]


def test_bad_rules_are_refused_with_their_paths_and_nothing_changes(province_admin):
    copy = copy_for_fujian(province_admin)
    rules = bundled_rules()
    rules["regimes"]["close_contact"]["centralized_days"] = -1
    del rules["dispatch"]["clause"]
    with pytest.raises(ValidationError) as exc:
        do_amend_protocol(copy, rules=rules, name="新名称", reason="x", actor=province_admin)
    assert exc.value.message_dict["rules"] == [
        "$.regimes.close_contact.centralized_days: must be at least 0",
        "$.dispatch.clause: is required",
    ]
    copy.refresh_from_db()
    assert copy.rules == national().rules and copy.name == "福建省方案"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"notes": "x", "reason": "  "}, "reason"),
        ({"name": "", "reason": "rename"}, "name"),
    ],
)
def test_amend_needs_a_reason_and_a_name(province_admin, changes, field):
    copy = copy_for_fujian(province_admin)
    with pytest.raises(ValidationError) as exc:
        do_amend_protocol(copy, actor=province_admin, **changes)
    assert field in exc.value.message_dict


def test_an_amendment_that_changes_nothing_is_refused(province_admin):
    copy = copy_for_fujian(province_admin)
    with pytest.raises(ValidationError, match="changes nothing"):
        do_amend_protocol(copy, notes=copy.notes, reason="no-op", actor=province_admin)


def test_moving_the_effective_date_onto_another_version_is_refused(province_admin):
    first = copy_for_fujian(province_admin, day="2021-09-20")
    second = copy_for_fujian(province_admin, day="2021-10-20")
    with pytest.raises(ValidationError) as exc:
        do_amend_protocol(
            second, effective_from=first.effective_from, reason="x", actor=province_admin
        )
    assert "effective_from" in exc.value.message_dict
    second.refresh_from_db()
    assert second.effective_from == D("2021-10-20")


def test_a_county_cannot_amend_its_provinces_version_nor_a_province_the_national(
    province_admin, make_user
):
    copy = copy_for_fujian(province_admin)
    county_admin = make_user(Role.ADMINISTRATOR, "350322", username="xy-admin")
    with pytest.raises(PermissionDenied):
        do_amend_protocol(copy, notes="县里改", reason="x", actor=county_admin)
    with pytest.raises(PermissionDenied):
        do_amend_protocol(national(), notes="省里改", reason="x", actor=province_admin)
    copy.refresh_from_db()
    assert copy.notes == "" and national().notes != "省里改"
    assert not DomainEvent.objects.filter(kind="protocols.protocol_amended").exists()


def test_an_unscoped_superuser_may_amend_a_national_version(db, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw")
    do_amend_protocol(national(), notes="全国备注", reason="说明", actor=root)
    assert national().notes == "全国备注"


def test_loading_is_idempotent_and_resets_amended_national_versions(db):
    n = len(bundled_versions())
    assert n >= 4
    assert do_load_national_protocols() == {"created": 0, "updated": 0, "unchanged": n}
    Protocol.objects.filter(code="cn-9th-edition").update(notes="changed")
    Disease.objects.filter(code=COVID_19).update(name="changed")
    assert do_load_national_protocols(update=False)["updated"] == 0
    assert do_load_national_protocols() == {"created": 0, "updated": 1, "unchanged": n - 1}
    assert national("cn-9th-edition").notes != "changed"
    assert Disease.objects.get(code=COVID_19).name == "新型冠状病毒感染"
    Protocol.objects.filter(code="cn-class-b").delete()
    assert do_load_national_protocols()["created"] == 1
    assert Protocol.objects.filter(jurisdiction_code="").count() == n
    assert set(Protocol.objects.values_list("disease_id", flat=True)) == set(bundled_packs())


def test_a_broken_file_loads_nothing_and_names_file_and_path(db, tmp_path):
    shutil.copytree(DATA_DIR / "diseases", tmp_path / "diseases")
    shutil.copy(DATA_DIR / "01-national-8th-edition.json", tmp_path / "01.json")
    good = json.loads((tmp_path / "01.json").read_text())
    good["code"] = "cn-extra"
    (tmp_path / "00-extra.json").write_text(json.dumps(good, ensure_ascii=False))
    bad = json.loads((tmp_path / "01.json").read_text())
    bad["code"], bad["effective_from"] = "cn-bad", "2020-01-01"
    bad["rules"]["regimes"]["close_contact"]["test_days"] = {"centralized": "1,4,7"}
    (tmp_path / "99-bad.json").write_text(json.dumps(bad, ensure_ascii=False))
    with pytest.raises(ValidationError) as exc:
        load_national(Protocol, Disease, directory=tmp_path)
    assert any(
        m.startswith("99-bad.json: $.regimes.close_contact.test_days.home: is required")
        for m in exc.value.messages
    )
    assert not Protocol.objects.filter(code__in=["cn-extra", "cn-bad"]).exists()


def test_the_loadprotocols_command_reports_counts(db, capsys):
    call_command("loadprotocols")
    n = len(bundled_versions())
    assert f"0 created, 0 updated, {n} unchanged" in capsys.readouterr().out
