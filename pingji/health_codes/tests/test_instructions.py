"""Code instructions from real placements, releases, completions and cases; the feed and acks."""

import datetime
import io

import pytest
from django.utils import timezone

from pingji.cases.actions.course import do_void_case
from pingji.cases.actions.reports import do_report_case
from pingji.core import clock
from pingji.health_codes.actions.instructions import do_build_feed
from pingji.health_codes.models import Instruction
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.actions import release
from pingji.quarantine.actions.followup import do_complete
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.sites import do_create_site
from pingji.quarantine.tests.conftest import negative_all
from pingji.users.choices import Role

from .conftest import GRID

pytestmark = pytest.mark.django_db
FEED = "/api/health_codes/instructions/"


def sep(day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, 9, day, hour))


@pytest.fixture(autouse=True)
def _september():
    clock.set_now(sep(12, 21))
    yield
    clock.set_now(None)


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def person(tree):
    return PersonFactory(name="林某", household=HouseholdFactory(jurisdiction=tree[GRID]))


@pytest.fixture
def placed(person, tree, operator):
    hotel = do_create_site(
        actor=operator, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )
    return do_place_person(
        actor=operator, person=person, exposure_at=sep(10, 15), site=hotel, placed_at=sep(12, 20)
    )


def colours(person) -> list[tuple[str, str, bool]]:
    rows = Instruction.objects.filter(person=person).order_by("sequence")
    return [(r.cause_kind, r.colour, r.current) for r in rows]


def test_a_placement_release_and_completion_give_red_yellow_green(placed, person, operator):
    clock.set_now(sep(24, 21))
    negative_all(placed, operator)
    release.do_release_placement(placed, actor=operator, at=sep(24, 20))
    placed.refresh_from_db()
    clock.set_now(datetime.datetime(2021, 10, 2, 9, tzinfo=datetime.UTC))
    do_complete(placed, actor=operator, at=clock.now())
    assert colours(person) == [
        ("quarantine.placed", "red", False),
        ("quarantine.released", "yellow", False),
        ("quarantine.completed", "green", True),
    ]
    first = Instruction.objects.filter(person=person).order_by("sequence").first()
    assert "第八版" in first.clause or "8" in first.protocol
    sequences = list(Instruction.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == sorted(sequences) and len(set(sequences)) == 3


def test_a_case_and_its_void(make_user, person):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    case = do_report_case(
        actor=epi,
        person=person,
        classification="confirmed",
        severity="mild",
        onset_date=datetime.date(2021, 9, 10),
        sampled_at=sep(11, 8),
        reported_at=sep(12),
        channel="community_screening",
    )
    do_void_case(case, actor=epi, reason="duplicate")
    assert colours(person) == [("cases.reported", "red", False), ("cases.voided", "green", True)]


def test_the_same_cause_never_issues_twice(placed, person, operator):
    before = list(Instruction.objects.values_list("sequence", "cause_key"))
    assert len(before) == 1
    made = do_build_feed(datetime.date(2021, 9, 12), "35", actor=make_admin(operator))
    assert made == 0
    assert list(Instruction.objects.values_list("sequence", "cause_key")) == before


def make_admin(operator):
    from pingji.users.models import User

    return User.objects.create_user(
        username="hc-admin", password="x", role=Role.ADMINISTRATOR, jurisdiction_id="35"
    )


def test_the_feed_after_a_sequence_ordered_and_scoped(api, placed, person, make_user, tree):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    other = PersonFactory(household=HouseholdFactory(jurisdiction=tree["350322100001002"]))
    do_report_case(
        actor=epi,
        person=other,
        classification="confirmed",
        severity="mild",
        onset_date=datetime.date(2021, 9, 10),
        sampled_at=sep(11, 8),
        reported_at=sep(12),
        channel="community_screening",
    )
    body = api(epi).get(FEED, {"after": 0}).json()
    seqs = [i["sequence"] for i in body["results"]]
    assert seqs == sorted(seqs) and len(seqs) == 2 and body["last"] == seqs[-1]
    later = api(epi).get(FEED, {"after": seqs[0]}).json()["results"]
    assert [i["sequence"] for i in later] == seqs[1:]
    text = str(body)
    assert person.id_number_hash not in text
    huli = make_user(Role.EPIDEMIOLOGIST, "350206")
    assert api(huli).get(FEED).json()["results"] == []
    assert api(epi).get(FEED, {"after": "x"}).status_code == 400


def test_acks_out_of_order_unknown_and_again(api, placed, person, operator, make_user, tree):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    other = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    do_report_case(
        actor=epi,
        person=other,
        classification="confirmed",
        severity="mild",
        onset_date=datetime.date(2021, 9, 10),
        sampled_at=sep(11, 8),
        reported_at=sep(12),
        channel="community_screening",
    )
    first, second = Instruction.objects.order_by("sequence").values_list("sequence", flat=True)
    client = api(epi)
    answer = client.post(f"{FEED}ack/", {"sequences": [second, 999999, "abc"]}, format="json")
    assert answer.status_code == 200
    assert answer.json() == {
        "acknowledged": [second],
        "already": [],
        "unknown": [999999],
        "out_of_order": [second],
        "unreadable": ["abc"],
    }
    again = client.post(f"{FEED}ack/", {"sequences": [second, first]}, format="json").json()
    assert again["acknowledged"] == [first] and again["already"] == [second]
    huli = make_user(Role.EPIDEMIOLOGIST, "350206")
    hidden = api(huli).post(f"{FEED}ack/", {"sequence": first}, format="json").json()
    assert hidden["unknown"] == [first]
    balance = client.get(f"{FEED}balance/", {"day": "2021-09-12"}).json()
    assert balance["issued"] == 2 and balance["acknowledged"] == 2 and balance["waiting"] == 0


def test_the_day_file_and_page(api, client, placed, person, make_user):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    csv_text = api(epi).get(f"{FEED}export/", {"day": "2021-09-12"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("sequence,person_ref,name") and len(lines) == 2
    assert person.id_number_masked in lines[1]
    client.force_login(epi)
    page = client.get("/health_codes/instructions/", {"day": "2021-09-12"})
    assert page.status_code == 200 and person.id_number_masked in page.content.decode()


def test_a_hostile_name_is_quoted_in_the_day_file(api, tree, operator, make_user):
    hostile = PersonFactory(
        name='=HYPERLINK("http://x","y")', household=HouseholdFactory(jurisdiction=tree[GRID])
    )
    hotel = do_create_site(
        actor=operator, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )
    do_place_person(
        actor=operator, person=hostile, exposure_at=sep(10, 15), site=hotel, placed_at=sep(12, 20)
    )
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    text = api(epi).get(f"{FEED}export/", {"day": "2021-09-12"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text


def test_a_day_is_caught_up_once_through_the_api_page_and_command(api, client, placed, make_user):
    """Instructions lost (events recorded before this app listened) are issued again from the
    day's events, once: the API, the page and the command share ``do_build_feed``."""
    from django.core.management import call_command

    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    Instruction.objects.all().delete()
    built = api(epi).post(f"{FEED}build/", {"day": "2021-09-12"}, format="json")
    assert built.status_code == 200 and built.json()["issued"] == 1
    assert Instruction.objects.count() == 1
    assert api(epi).post(f"{FEED}build/", {"day": "2021-09-12"}, format="json").json() == {
        "day": "2021-09-12",
        "code": "350322",
        "issued": 0,
    }
    Instruction.objects.all().delete()
    client.force_login(epi)
    page = client.post("/health_codes/instructions/", {"day": "2021-09-12"}, follow=True)
    assert "1" in page.content.decode() and Instruction.objects.count() == 1
    Instruction.objects.all().delete()
    out = io.StringIO()
    call_command(
        "code_feed",
        "build",
        "--day",
        "2021-09-12",
        "--code",
        "350322",
        "--user",
        epi.username,
        stdout=out,
    )
    assert out.getvalue().startswith("1 instructions") and Instruction.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"day": "2021-09-12", "code": "350206"}, "code"),  # another county
        ({"day": "2021-09-12", "code": "35"}, "code"),  # above the caller's area
        ({"day": "2021-09-12", "code": "35' OR 1=1"}, "code"),
        ({"day": "2021-09-12", "code": "3" * 40}, "code"),
        ({"day": "2021-09-13"}, "day"),  # the clock reads 2021-09-12
        ({"day": "12/09/2021"}, "day"),
    ],
)
def test_a_catch_up_outside_the_area_or_in_the_future_is_refused(
    api, placed, make_user, body, field
):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    Instruction.objects.all().delete()
    answer = api(epi).post(f"{FEED}build/", body, format="json")
    assert answer.status_code == 400 and field in answer.json()
    assert not Instruction.objects.exists()


def test_a_role_that_does_not_instruct_may_not_catch_up(api, placed, make_user):
    from django.core.management import CommandError, call_command

    Instruction.objects.all().delete()
    commander = make_user(Role.COMMANDER, "350322")  # reads the feed, issues nothing
    answer = api(commander).post(f"{FEED}build/", {"day": "2021-09-12"}, format="json")
    assert answer.status_code == 404  # an action's refusal reads as absence (core.api.base)
    assert not Instruction.objects.exists()
    with pytest.raises(CommandError):
        call_command(
            "code_feed", "build", "--day", "2021-09-12", "--code", GRID, "--user", "nobody"
        )
