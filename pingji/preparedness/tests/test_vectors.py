"""Mosquito larval surveys by grid: indices, the level the dengue rules read, the control task,
and every bad input refused with its field (or line) while nothing is saved.

The dengue rules are made here (a provincial version of 2021, which wins over a national one for
2021 days), so the tests do not depend on the shipped pack's figures; "no rules" deletes every
dengue version first.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pingji.core.models import DomainEvent
from pingji.preparedness.actions import vectors as vector_actions
from pingji.preparedness.actions.vectors import (
    VECTOR_KIND,
    do_record_survey,
    do_upload_surveys,
)
from pingji.preparedness.models import VectorSurvey
from pingji.preparedness.vectors import latest_readings, level_of, vector_rule
from pingji.protocols.models import Disease, Protocol
from pingji.protocols.rules import validate_rules
from pingji.tasks.models import Task
from pingji.users.choices import Role

GRID, GRID2, HULI_GRID = "350322100001001", "350322100001002", "350206001001001"
D = datetime.date(2021, 9, 1)
SURVEYED = "preparedness.vector_surveyed"

LEVELS = [
    {"name": "low", "from": 0, "below": 5, "response": ["Keep clearing standing water."]},
    {"name": "alert", "from": 5, "below": 10, "response": ["Clear every container."]},
    {"name": "high", "from": 10, "below": 20, "response": ["Clear containers; kill larvae."]},
    {"name": "very high", "from": 20, "below": None, "response": ["Spray adult mosquitoes."]},
]
VECTOR = {
    "applies": True,
    "index": "breteau",
    "levels": LEVELS,
    "target_below": 5,
    "days_without_case_to_end": 25,
    "clause": "test pack, vector control",
}
RULES = {
    "schema_version": 1,
    "management": {"regime": "class_b", "clause": "test pack"},
    "vector": VECTOR,
}


@pytest.fixture
def dengue(db):
    disease, _made = Disease.objects.get_or_create(
        code="dengue",
        defaults={
            "name": "登革热",
            "english_name": "Dengue",
            "notifiable_class": "B",
            "pack": {
                "code": "dengue",
                "name": "登革热",
                "english_name": "Dengue",
                "notifiable_class": "B",
                "surveillance": {"series": []},
                "readiness": {"reserves": []},
            },
        },
    )
    return disease


@pytest.fixture
def rules_in_force(dengue):
    return Protocol.objects.create(
        disease=dengue,
        code="fj-test-dengue",
        name="福建登革热（测试）",
        jurisdiction_code="35",
        effective_from=datetime.date(2021, 1, 1),
        rules=RULES,
    )


@pytest.fixture
def worker(make_user):
    return make_user(Role.GRID_WORKER, GRID, username="grid-worker")


def survey(actor, inspected=100, houses=0, containers=0, day=D, grid=GRID, **kw):
    return do_record_survey(grid, day, inspected, houses, containers, actor=actor, **kw)


def test_the_test_rules_fit_the_schema():
    assert validate_rules(RULES) == []


def test_indices_are_per_house_inspected():
    row = VectorSurvey(houses_inspected=60, houses_positive=6, containers_positive=9)
    assert (row.breteau_index, row.house_index) == (15.0, 10.0)


def test_levels_rise_from_their_start_below_their_end():
    assert [level_of(v, VECTOR)["name"] for v in (0, 4.99, 5, 19.9, 20, 900)] == [
        "low",
        "low",
        "alert",
        "high",
        "very high",
        "very high",
    ]
    starting_at_one = {**VECTOR, "levels": [{**LEVELS[0], "from": 1}]}
    assert level_of(0.5, starting_at_one) is None


def test_the_rule_is_the_dengue_version_in_force_on_the_day(rules_in_force, dengue):
    assert vector_rule(GRID, D) == VECTOR
    # before it, whatever else was in force (a national version, if one is loaded), not it
    assert vector_rule(GRID, datetime.date(2020, 12, 31)) != VECTOR
    assert vector_rule(GRID, datetime.date(2000, 1, 1)) is None
    Protocol.objects.create(
        disease=dengue,
        code="fj-test-dengue-off",
        name="off",
        jurisdiction_code="35",
        effective_from=datetime.date(2021, 10, 1),
        rules={**RULES, "vector": {"applies": False, "clause": "switched off"}},
    )
    assert vector_rule(GRID, datetime.date(2021, 10, 2)) is None
    assert vector_rule(GRID, D) is not None


def test_a_high_index_reads_its_level_and_issues_a_control_task_to_the_county(
    rules_in_force, worker
):
    done = survey(worker, inspected=50, houses=6, containers=8)  # BI 16, HI 12
    assert done.reading.index == "breteau" and done.reading.value == 16.0
    assert done.reading.level_name == "high"
    assert done.reading.response == ["Clear containers; kill larvae."]
    task = Task.objects.get(kind=VECTOR_KIND)
    assert done.issued and done.task == task and done.survey.task == task
    assert task.jurisdiction_id == "350322" and task.status == "open"
    assert "东门一网格" in task.title and "Clear containers" in task.description
    assert "Mosquito-control task issued to 仙游县" in done.answer
    event = DomainEvent.objects.get(kind=SURVEYED)
    assert event.payload["level"] == "high" and event.payload["task"] == task.pk
    assert event.payload["protocol"] == rules_in_force.pk and event.actor == worker
    assert done.survey.recorded_by == worker and done.survey.source == "form"


def test_the_target_itself_needs_control_and_just_below_it_does_not(rules_in_force, operator):
    assert survey(operator, containers=4, houses=4).task is None  # BI 4
    assert not Task.objects.exists()
    at_target = survey(operator, containers=5, houses=5, grid=GRID2)  # BI 5
    assert at_target.issued and at_target.reading.level_name == "alert"


def test_a_grid_that_stays_high_keeps_one_task_and_a_survey_below_the_target_closes_it(
    rules_in_force, worker
):
    first = survey(worker, containers=30, houses=20)
    again = survey(worker, containers=12, houses=10, day=D + datetime.timedelta(days=3))
    assert not again.issued and again.task == first.task
    assert "stays open" in again.answer
    assert Task.objects.filter(kind=VECTOR_KIND).count() == 1
    below = survey(worker, containers=2, houses=2, day=D + datetime.timedelta(days=7))
    assert below.closed == 1 and below.task is None
    task = Task.objects.get(kind=VECTOR_KIND)
    assert task.status == "done" and "below the target of 5" in task.verification_note
    assert "1 mosquito-control task(s) closed" in below.answer


def test_a_back_filled_survey_below_the_target_leaves_a_later_task_open(rules_in_force, worker):
    high = survey(worker, containers=30, houses=20, day=D + datetime.timedelta(days=5))
    earlier = survey(worker, containers=1, houses=1, day=D)
    assert earlier.closed == 0 and earlier.task == high.task
    assert Task.objects.get(kind=VECTOR_KIND).status == "open"
    # and a high one back-filled before a later reading issues nothing
    survey(worker, containers=1, houses=1, day=D + datetime.timedelta(days=9))
    late = survey(worker, containers=40, houses=30, day=D + datetime.timedelta(days=8))
    assert not late.issued and Task.objects.filter(kind=VECTOR_KIND).count() == 1


def test_without_dengue_rules_the_survey_is_recorded_without_a_level(dengue, worker):
    Protocol.objects.filter(disease=dengue).delete()
    done = survey(worker, inspected=20, houses=10, containers=40)  # BI 200
    assert done.reading is None and done.task is None and not done.issued
    assert "No dengue vector rules are in force" in done.answer
    assert VectorSurvey.objects.get().breteau_index == 200
    assert not Task.objects.exists()
    event = DomainEvent.objects.get(kind=SURVEYED)
    assert event.payload["protocol"] is None and event.payload["level"] == ""


def test_a_version_that_switches_vector_control_off_reads_no_level(dengue, worker):
    rules = {**RULES, "vector": {"applies": False, "clause": "off"}}
    Protocol.objects.create(
        disease=dengue,
        code="fj-off",
        name="off",
        jurisdiction_code="3503",
        effective_from=datetime.date(2021, 8, 1),
        rules=rules,
    )
    done = survey(worker, containers=40, houses=30)
    assert done.reading is None and not Task.objects.exists()


GOOD = {"grid": GRID, "day": "2021-09-01", "inspected": "40", "houses": "3", "containers": "4"}


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"grid": "999999999999999"}, "grid", "No grid"),
        ({"grid": ""}, "grid", "Give the grid"),
        ({"grid": None}, "grid", "Give the grid"),
        ({"grid": HULI_GRID}, "grid", "No grid"),  # another area's grid does not exist here
        ({"grid": "350322100001"}, "grid", "is a community"),
        ({"grid": "<script>alert(1)</script>"}, "grid", "No grid"),
        ({"grid": "1" * 5000}, "grid", "No grid"),
        ({"day": "yesterday"}, "day", "not a date"),
        ({"day": ""}, "day", "not a date"),
        ({"day": "2999-01-01"}, "day", "in the future"),
        ({"inspected": "-3"}, "houses_inspected", "not a whole number"),
        ({"inspected": "3.5"}, "houses_inspected", "not a whole number"),
        ({"inspected": "9" * 30}, "houses_inspected", "not a whole number"),
        ({"inspected": "100001"}, "houses_inspected", "not a whole number"),
        ({"inspected": "0"}, "houses_inspected", "at least one house"),
        ({"inspected": True}, "houses_inspected", "not a whole number"),
        ({"houses": "41"}, "houses_positive", "but only 40 inspected"),
        ({"houses": "٣"}, "houses_positive", "not a whole number"),  # a non-ASCII digit
        ({"containers": None}, "containers_positive", "not a whole number"),
        ({"containers": "<b>4</b>"}, "containers_positive", "not a whole number"),
        ({"containers": "2"}, "containers_positive", "Fewer containers"),
    ],
)
def test_bad_input_names_its_field_and_saves_nothing(rules_in_force, operator, change, field, says):
    given = {**GOOD, **change}
    with pytest.raises(ValidationError) as exc:
        do_record_survey(
            given["grid"],
            given["day"],
            given["inspected"],
            given["houses"],
            given["containers"],
            actor=operator,
        )
    assert says in " ".join(exc.value.message_dict[field])
    assert not VectorSurvey.objects.exists() and not Task.objects.exists()
    assert not DomainEvent.objects.filter(kind=SURVEYED).exists()


def test_every_problem_is_said_at_once(rules_in_force, operator):
    with pytest.raises(ValidationError) as exc:
        do_record_survey("x", "x", "-1", "x", "", actor=operator)
    assert set(exc.value.message_dict) == {
        "grid",
        "day",
        "houses_inspected",
        "houses_positive",
        "containers_positive",
    }


def test_a_day_already_surveyed_is_a_clear_error(rules_in_force, operator):
    survey(operator, containers=1, houses=1)
    with pytest.raises(ValidationError) as exc:
        survey(operator, containers=9, houses=9)
    assert "already surveyed on 2021-09-01" in exc.value.message_dict["day"][0]
    assert VectorSurvey.objects.get().containers_positive == 1


def test_a_role_that_does_not_survey_is_refused(rules_in_force, commander):
    with pytest.raises(PermissionDenied):
        survey(commander)
    with pytest.raises(PermissionDenied):
        do_upload_surveys("grid,day\n", actor=commander)
    assert not VectorSurvey.objects.exists()


def test_a_grid_worker_records_only_in_its_grid(rules_in_force, worker):
    with pytest.raises(ValidationError) as exc:
        survey(worker, grid=GRID2)
    assert "No grid" in exc.value.message_dict["grid"][0]


HEADER = "grid,day,houses_inspected,houses_positive,containers_positive\n"


def test_an_upload_is_all_or_nothing_and_names_each_line(rules_in_force, operator):
    good = HEADER + f"{GRID},2021-09-01,50,5,12\n{GRID2},2021-09-01,40,0,0\n"
    assert do_upload_surveys(good, actor=operator) == 2
    assert Task.objects.filter(kind=VECTOR_KIND).count() == 1  # BI 24 in the first grid
    bad = (
        HEADER
        + f"{GRID},2021-09-02,50,1,1\n"  # line 2: fine
        + f"{HULI_GRID},2021-09-02,50,1,1\n"  # line 3: another area
        + f"{GRID2},2021-09-01,50,1,1\n"  # line 4: already surveyed
        + f"{GRID2},2021-09-03,10,11,11\n"  # line 5: more positive than inspected
        + f"{GRID},2021-09-02,50,1,1\n"  # line 6: line 2 again
    )
    with pytest.raises(ValidationError) as exc:
        do_upload_surveys(bad, actor=operator)
    text = " ".join(exc.value.message_dict["file"])
    assert "line 2:" not in text
    assert "line 3: grid: No grid" in text and "line 4: day: " in text
    assert "line 5: houses_positive" in text and "line 6: day: " in text and "line 2 too" in text
    assert VectorSurvey.objects.count() == 2
    assert Task.objects.get(kind=VECTOR_KIND).status == "open"


def test_an_upload_is_read_day_by_day_so_a_later_survey_closes_the_task(rules_in_force, operator):
    rows = HEADER + f"{GRID},2021-09-08,50,1,1\n{GRID},2021-09-01,50,10,30\n"
    assert do_upload_surveys(rows, actor=operator) == 2
    task = Task.objects.get(kind=VECTOR_KIND)
    assert task.status == "done"
    assert set(VectorSurvey.objects.values_list("source", flat=True)) == {"upload"}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("grid,day,count\n1,2,3\n", "needs the columns"),
        (HEADER, "no rows"),
        (HEADER + "\n\n", "no rows"),
        (HEADER + f"{GRID},2021-09-01,5,1," + "9" * 200_000 + "\n", "longer than 128 KB"),
    ],
)
def test_an_upload_without_rows_or_columns_is_refused(rules_in_force, operator, text, says):
    with pytest.raises(ValidationError) as exc:
        do_upload_surveys(text, actor=operator)
    assert says in str(exc.value)
    assert not VectorSurvey.objects.exists()


def test_an_upload_over_the_row_limit_is_refused(rules_in_force, operator, monkeypatch):
    monkeypatch.setattr(vector_actions, "MAX_ROWS", 2)
    rows = "".join(f"{GRID},2021-09-0{d},10,0,0\n" for d in (1, 2, 3))
    with pytest.raises(ValidationError) as exc:
        do_upload_surveys(HEADER + rows, actor=operator)
    assert "At most 2 rows" in str(exc.value)
    assert not VectorSurvey.objects.exists()


def test_the_latest_survey_of_each_grid_is_read_with_its_level(rules_in_force, operator):
    survey(operator, containers=30, houses=20)
    survey(operator, containers=2, houses=2, day=D + datetime.timedelta(days=7))
    survey(operator, containers=8, houses=5, grid=GRID2)
    now = {
        s.jurisdiction_id: r.level_name for s, r in latest_readings("350322", D + D.resolution * 9)
    }
    assert now == {GRID: "low", GRID2: "alert"}
    then = {s.jurisdiction_id: r.level_name for s, r in latest_readings("350322", D)}
    assert then == {GRID: "very high", GRID2: "alert"}
    assert latest_readings("350206", D + D.resolution * 9) == []


def test_the_list_shows_each_grids_latest_level_and_response(
    client, rules_in_force, operator, outsider
):
    survey(operator, containers=30, houses=20)  # BI 30: very high
    survey(operator, containers=2, houses=2, day=D + datetime.timedelta(days=7))
    client.force_login(operator)
    page = client.get("/preparedness/vectors/?on=2021-09-10").content.decode()
    assert "东门一网格" in page and "low (Breteau index; target below 5)" in page
    assert "Keep clearing standing water." in page and "Spray adult" not in page
    page = client.get("/preparedness/vectors/?on=2021-09-02").content.decode()
    assert "very high" in page and "Spray adult mosquitoes." in page and "30.0" in page
    client.force_login(outsider)
    assert "东门一网格" not in client.get("/preparedness/vectors/?on=2021-09-10").content.decode()


def test_the_list_says_when_no_rules_are_in_force(client, dengue, operator):
    Protocol.objects.filter(disease=dengue).delete()
    survey(operator, containers=3, houses=3)
    client.force_login(operator)
    page = client.get("/preparedness/vectors/?on=2021-09-01").content.decode()
    assert "no dengue vector rules in force" in page


def test_the_form_records_a_survey_and_says_what_it_reads(client, rules_in_force, worker):
    client.force_login(worker)
    assert client.get("/preparedness/vectors/record/").status_code == 200
    data = {
        "grid": GRID,
        "day": "2021-09-01",
        "houses_inspected": "50",
        "houses_positive": "6",
        "containers_positive": "8",
    }
    answer = client.post("/preparedness/vectors/record/", data, follow=True)
    assert answer.status_code == 200
    assert "Breteau index 16.0: high" in answer.content.decode()
    assert VectorSurvey.objects.get().source == "form"
    again = client.post("/preparedness/vectors/record/", data)
    assert again.status_code == 400 and "already surveyed" in again.content.decode()
    bad = client.post(
        "/preparedness/vectors/record/", {**data, "day": "2021-09-02", "houses_positive": "60"}
    )
    assert bad.status_code == 400 and "but only 50 inspected" in bad.content.decode()
    assert VectorSurvey.objects.count() == 1


def test_the_form_offers_only_the_users_grids_and_refuses_others(client, rules_in_force, worker):
    client.force_login(worker)
    data = {
        "grid": GRID2,
        "day": "2021-09-01",
        "houses_inspected": "10",
        "houses_positive": "0",
        "containers_positive": "0",
    }
    answer = client.post("/preparedness/vectors/record/", data)
    assert answer.status_code == 400 and "No such grid in your area." in answer.content.decode()
    hostile = client.post("/preparedness/vectors/record/", {**data, "grid": "<script>x</script>"})
    assert hostile.status_code == 400 and "<script>x" not in hostile.content.decode()
    assert not VectorSurvey.objects.exists()


def test_a_role_that_does_not_survey_gets_no_form(client, rules_in_force, commander):
    client.force_login(commander)
    assert client.get("/preparedness/vectors/").status_code == 200
    assert client.get("/preparedness/vectors/record/").status_code == 403
    assert client.get("/preparedness/vectors/upload/").status_code == 403


def test_the_upload_page_records_a_file_or_shows_its_lines(client, rules_in_force, operator):
    client.force_login(operator)
    assert client.get("/preparedness/vectors/upload/").status_code == 200
    bad = HEADER + f"{GRID},2021-09-01,10,0,0\n{GRID},tomorrow,10,0,0\n"
    answer = client.post(
        "/preparedness/vectors/upload/", {"file": SimpleUploadedFile("s.csv", bad.encode())}
    )
    assert answer.status_code == 400 and "line 3: day" in answer.content.decode()
    assert not VectorSurvey.objects.exists()
    good = HEADER + f"{GRID},2021-09-01,10,0,0\n"
    answer = client.post(
        "/preparedness/vectors/upload/", {"file": SimpleUploadedFile("s.csv", good.encode())}
    )
    assert answer.status_code == 302 and VectorSurvey.objects.count() == 1


def test_the_api_records_through_the_action_and_lists_within_the_area(
    api, rules_in_force, operator, outsider
):
    url = "/api/preparedness/vector-surveys/"
    body = {
        "grid": GRID,
        "day": "2021-09-01",
        "houses_inspected": "50",
        "houses_positive": "6",
        "containers_positive": "8",
    }
    made = api(operator).post(url, body, format="json")
    assert made.status_code == 201
    out = made.json()
    assert (out["grid"], out["level"], out["index"], out["index_value"]) == (
        GRID,
        "high",
        "breteau",
        16.0,
    )
    assert out["task"] is not None and out["source"] == "api"
    bad = api(operator).post(
        url, {**body, "day": "2021-09-02", "houses_inspected": "-1"}, format="json"
    )
    assert bad.status_code == 400 and "houses_inspected" in bad.json()
    assert api(operator).post(url, {"x": 1}, format="json").status_code == 400
    elsewhere = api(outsider).post(url, {**body, "day": "2021-09-03"}, format="json")
    assert elsewhere.status_code == 400 and "No grid" in str(elsewhere.json())
    assert [r["grid"] for r in api(operator).get(url).json()["results"]] == [GRID]
    assert api(outsider).get(url).json()["results"] == []
    assert VectorSurvey.objects.count() == 1


def test_the_api_upload_is_all_or_nothing(api, rules_in_force, operator):
    url = "/api/preparedness/vector-surveys/upload/"
    bad = HEADER + f"{GRID},2021-09-01,10,0,0\n{GRID},2021-09-02,10,0,-4\n"
    answer = api(operator).post(
        url, {"file": SimpleUploadedFile("s.csv", bad.encode())}, format="multipart"
    )
    assert answer.status_code == 400 and "line 3: containers_positive" in str(answer.json())
    not_utf8 = SimpleUploadedFile("s.csv", (HEADER + "网格,二,1,1,1\n").encode("gbk"))
    answer = api(operator).post(url, {"file": not_utf8}, format="multipart")
    assert answer.status_code == 400 and "UTF-8" in str(answer.json())
    good = HEADER + f"{GRID},2021-09-01,10,0,0\n"
    answer = api(operator).post(
        url, {"file": SimpleUploadedFile("s.csv", good.encode())}, format="multipart"
    )
    assert answer.status_code == 201 and answer.json() == {"recorded": 1}


def test_the_readings_of_many_grids_read_the_rules_once(
    rules_in_force, operator, django_assert_num_queries
):
    for grid in (GRID, GRID2):
        survey(operator, containers=3, houses=3, grid=grid)
    with django_assert_num_queries(2):  # the surveys, then the dengue versions
        readings = latest_readings("350322", D)
    assert [r.level_name for _s, r in readings] == ["low", "low"]


def test_the_control_task_kind_is_registered():
    from pingji.tasks.kinds import kind_label

    assert str(kind_label(VECTOR_KIND)) == "mosquito control"
