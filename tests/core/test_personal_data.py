"""The personal-data policy (decision 0031): masks, ages, and its use by the generic surfaces."""

import datetime
import importlib

import pytest
from django.apps import apps
from openpyxl import load_workbook

from pingji.core import personal_data as pd
from pingji.core.context import acting_as
from pingji.core.exports import export_path
from pingji.core.models import Job, ObjectChange
from pingji.people.identity import compose_id_number
from pingji.people.models import Household, Person
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

GRID = "350322100001001"
NUMBER = compose_id_number("350322", datetime.date(1985, 7, 14), 123)


def test_the_identity_mask_keeps_region_and_check_character_only():
    assert pd.mask_id_number("35032219850714123X") == "350322***********X"
    assert pd.mask_id_number("") == "" and pd.mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (datetime.date(1985, 7, 14), datetime.date(2026, 7, 13), 40),
        (datetime.date(1985, 7, 14), datetime.date(2026, 7, 14), 41),
        (datetime.date(2000, 2, 29), datetime.date(2026, 2, 28), 25),
        (datetime.date(2000, 2, 29), datetime.date(2026, 3, 1), 26),
        (datetime.date(2026, 5, 1), datetime.date(2026, 5, 1), 0),
        (None, datetime.date(2026, 5, 1), None),
    ],
)
def test_age_in_whole_years(born, today, age):
    assert pd.age_of(born, today) == age


@pytest.mark.parametrize(
    "name, masked",
    [("林某", "林*"), ("陈某某", "陈**"), ("欧阳小明", "欧阳**"), ("", ""), ("  王  ", "王")],
)
def test_a_name_on_a_page_without_login_keeps_the_surname_only(name, masked):
    assert pd.mask_name(name) == masked


def test_present_follows_the_reveal_permission(tree, make_user):
    born = datetime.date(1985, 7, 14)
    today = datetime.date(2026, 12, 6)
    operator, epidemiologist = make_user(Role.OPERATOR), make_user(Role.EPIDEMIOLOGIST)
    assert pd.present(operator, pd.Kind.BIRTH_DATE, born, today) == 41
    assert pd.present(epidemiologist, pd.Kind.BIRTH_DATE, born, today) == born
    for user in (operator, epidemiologist):  # nobody reads a plain number on a list or detail
        assert pd.present(user, pd.Kind.ID_NUMBER, NUMBER) == pd.mask_id_number(NUMBER)
        assert pd.present(user, pd.Kind.PHONE, "13812341234") == "138****1234"
        assert pd.present(user, pd.Kind.ADDRESS, "1栋101") == "1栋101"
    assert pd.for_audit(pd.Kind.BIRTH_DATE, "1985-07-14") == "1985"


def test_people_registers_its_fields_and_surfaces():
    assert pd.fields_of(Person)["birth_date"] == pd.Kind.BIRTH_DATE
    assert pd.fields_of(Person)["id_number_masked"] == pd.Kind.ID_NUMBER
    assert pd.fields_of(Household) == {"address": pd.Kind.ADDRESS}
    assert {"people.person_detail", "people.api.person_detail", "cases.api.case_detail"} <= set(
        pd.surfaces()
    )


def test_the_change_log_keeps_masks_and_the_birth_year_only(tree, county_user):
    with acting_as(county_user, "r"):
        person = PersonFactory(
            id_number=NUMBER, household=HouseholdFactory(jurisdiction=tree[GRID])
        )
        person.set_id_number(compose_id_number("350322", datetime.date(1985, 3, 1), 233))
        person.birth_date = datetime.date(1985, 3, 1)
        person.save()
    create, update = ObjectChange.objects.filter(content_type__model="person").order_by("id")
    for row in (create.after, update.before, update.after):
        assert row["birth_date"] == "1985" and "*" * 11 in row["id_number_masked"]
        assert not [k for k in row if k.endswith("_hash")]
    # the number changed though year, region, sex and check character did not: still logged
    assert update.action == "update"


def test_the_export_writes_ages_unless_the_requester_may_reveal(
    tree, make_user, client, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_BACKEND = "sync"
    person = PersonFactory(id_number=NUMBER, household=HouseholdFactory(jurisdiction=tree[GRID]))
    for role, heading, value in (
        (Role.OPERATOR, "age", pd.age_of(person.birth_date)),
        (Role.EPIDEMIOLOGIST, "birth date", person.birth_date),
    ):
        client.force_login(make_user(role, "350322"))
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/core/export/", {"model": "people.person"})
        job = Job.objects.filter(kind="core.export").latest("id")
        assert job.status == "succeeded", job.error
        header, row = load_workbook(export_path(job.pk)).active.iter_rows(values_only=True)
        cells = dict(zip(header, row, strict=True))
        shown = cells[heading]
        assert (shown.date() if isinstance(shown, datetime.datetime) else shown) == value
        assert cells["identity number"] == pd.mask_id_number(NUMBER)
        assert not [h for h in header if "hash" in str(h)]
        assert NUMBER not in str(row)


def test_the_data_migration_remasks_rows_and_scrubs_the_log(tree, county_user):
    migration = importlib.import_module("pingji.people.migrations.0003_remask_identity_numbers")
    with acting_as(county_user, "r"):
        person = PersonFactory(
            id_number=NUMBER, household=HouseholdFactory(jurisdiction=tree[GRID])
        )
    old_mask = NUMBER[:6] + "********" + NUMBER[-4:]
    Person.objects.filter(pk=person.pk).update(id_number_masked=old_mask)
    created = ObjectChange.objects.filter(content_type__model="person", action="create")
    created.update(  # the row as an older release logged it
        after={"birth_date": "1985-07-14", "id_number_masked": old_mask, "phone_hash": "ab"}
    )
    migration.remask_persons(apps, None)
    migration.scrub_change_log(apps, None)
    migration.scrub_change_log(apps, None)  # idempotent
    assert Person.objects.get(pk=person.pk).id_number_masked == pd.mask_id_number(NUMBER)
    logged = ObjectChange.objects.get(content_type__model="person", action="create").after
    assert logged == {"birth_date": "1985", "id_number_masked": pd.mask_id_number(NUMBER)}
