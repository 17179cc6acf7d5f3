"""Every app's events read in their reader's language, through the API and pages that show them.

One event per app is written in one language and read in the other: what the writer's request
spoke is kept as the summary, and the events API (``summary``) and the timelines translate the
kept message for whoever reads. A choice's label among the parameters (a role, a status, a mode)
follows the reader too.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import timezone, translation

from pingji.analytics.actions.series import do_compute_series
from pingji.areas.actions.checkpoints import do_create_checkpoint, do_plan_lifting_step
from pingji.command.actions.modes import do_switch_mode
from pingji.core import clock
from pingji.core.models import DomainEvent
from pingji.geo.actions.places import do_create_place
from pingji.people.actions.persons import do_create_person
from pingji.preparedness.actions.drills import do_plan_drill
from pingji.protocols.actions.versions import do_amend_protocol, do_copy_protocol
from pingji.protocols.tests.factories import national
from pingji.reopening.actions.registry import do_register_establishment
from pingji.reports.actions.daily_reports import do_generate_daily_report
from pingji.resources.actions.registers import do_save_workforce
from pingji.tasks.actions.reviews import do_create_review
from pingji.tasks.actions.work import do_create_task
from pingji.testing.actions.rounds import do_create_campaign
from pingji.tracing.actions.chains import do_create_cluster
from pingji.users.actions.accounts import do_create_user
from pingji.users.choices import Role

GRID = "350322100001001"
DAY = datetime.date(2021, 9, 14)


def _at(day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, 9, day, hour))


@dataclass(frozen=True)
class Written:
    """An app's action, and what its event says in English and in Chinese."""

    app: str
    write: Callable
    english: str
    chinese: str


def _checkpoint_step(tree, user):
    checkpoint = do_create_checkpoint(
        actor=user(Role.OPERATOR),
        jurisdiction=tree["350322"],
        name="仙游收费站",
        kind="highway_exit",
        rules="查验48小时核酸阴性证明",
        since=_at(9, 12),
    )
    do_plan_lifting_step(
        checkpoint,
        actor=user(Role.OPERATOR),
        to_status="relaxed",
        condition="date",
        not_before=datetime.date(2021, 10, 1),
    )
    return "areas.checkpoint_step_planned"


def _mode(tree, user):
    do_switch_mode(
        tree["350322"], mode="emergency", level="II", reason="本土疫情", actor=user(Role.COMMANDER)
    )
    return "command.mode_switched"


def _person(tree, user):
    do_create_person(actor=user(Role.OPERATOR), name="林某", jurisdiction=tree[GRID])
    return "people.person_registered"


def _account(tree, user):
    do_create_user(
        actor=user(Role.ADMINISTRATOR),
        username="gridworker1",
        role=Role.GRID_WORKER,
        jurisdiction=tree[GRID],
        password="a-long-enough-Passw0rd",
    )
    return "users.user_created"


def _task(tree, user):
    do_create_task(
        actor=user(Role.COMMANDER),
        title="入户排查",
        jurisdiction=tree["350322"],
        deadline=timezone.now() + datetime.timedelta(days=2),
    )
    return "tasks.created"


def _establishment(tree, user):
    do_register_establishment(
        actor=user(Role.OPERATOR),
        kind="school",
        name="东门小学",
        sector="education",
        jurisdiction=tree[GRID],
    )
    return "reopening.registered"


def _drill(tree, user):
    do_plan_drill(
        {
            "jurisdiction": tree["350322"],
            "title": "德尔塔演练",
            "kind": "functional",
            "scenario": "社区筛查发现一例确诊病例。",
            "planned_for": timezone.now() + datetime.timedelta(days=7),
        },
        actor=user(Role.ADMINISTRATOR),
    )
    return "preparedness.drill_planned"


def _protocols(tree, user):
    fujian = do_copy_protocol(
        national(),
        jurisdiction_code="350322",
        effective_from=datetime.date(2021, 9, 20),
        name="仙游县方案",
        actor=user(Role.ADMINISTRATOR),
    )
    do_amend_protocol(fujian, notes="本县补充", reason="本县调整", actor=user(Role.ADMINISTRATOR))
    return "protocols.protocol_amended"


def _workforce(tree, user):
    do_save_workforce(
        {"jurisdiction": tree["350322"], "role": "epidemiologist", "headcount": 12},
        actor=user(Role.OPERATOR),
    )
    return "resources.workforce_saved"


def _place(tree, user):
    do_create_place(
        actor=user(Role.OPERATOR), jurisdiction=tree[GRID], kind="venue", name="东门菜市场"
    )
    return "geo.place_created"


def _campaign(tree, user):
    do_create_campaign(
        actor=user(Role.OPERATOR),
        name="仙游县第一轮全员核酸",
        jurisdiction=tree["350322"],
        areas=[tree["350322"]],
    )
    return "testing.campaign_created"


def _series(tree, user):
    do_compute_series(tree["350322"], DAY - datetime.timedelta(days=2), DAY, forecasts=False)
    return "analytics.series_computed"


def _daily_report(tree, user):
    do_generate_daily_report(tree["350322"], DAY, actor=user(Role.COMMANDER))
    return "reports.daily_report_generated"


def _cluster(tree, user):
    do_create_cluster(
        "东门小学聚集性疫情", jurisdiction=tree["350322"], actor=user(Role.EPIDEMIOLOGIST)
    )
    return "tracing.cluster_created"


WRITTEN = [
    Written("areas", _checkpoint_step, "Step 1 planned: relaxed", "已计划第 1 步：放宽"),
    Written(
        "command",
        _mode,
        "仙游县 switched to Emergency mode, response level II",
        "仙游县转换为应急状态，II级响应",
    ),
    Written("people", _person, "Person registered: 林某", "已登记人员：林某"),
    Written(
        "users",
        _account,
        "Account created: gridworker1 (grid worker)",
        "已创建账号：gridworker1（网格员）",
    ),
    Written("tasks", _task, "Task issued to 仙游县: 入户排查", "已向仙游县下达任务：入户排查"),
    Written("reopening", _establishment, "东门小学 registered", "东门小学已登记"),
    Written("preparedness", _drill, "Drill planned: 德尔塔演练", "已计划演练：德尔塔演练"),
    Written(
        "resources",
        _workforce,
        "350322 epidemiologists: 12 saved",
        "350322流调人员：12人 已保存",
    ),
    Written(
        "protocols",
        _protocols,
        "Protocol 仙游县方案 amended: 本县调整",
        "防控方案仙游县方案已修订：本县调整",
    ),
    Written("geo", _place, "Place registered: 东门菜市场", "已登记场所：东门菜市场"),
    Written(
        "testing",
        _campaign,
        "Testing campaign created: 仙游县第一轮全员核酸",
        "已创建核酸检测任务：仙游县第一轮全员核酸",
    ),
    Written(
        "analytics",
        _series,
        "Series of 仙游县 computed for 2021-09-12 to 2021-09-14",
        "已计算仙游县2021-09-12至2021-09-14的指标序列",
    ),
    Written(
        "reports",
        _daily_report,
        "Daily report of 仙游县, 2021-09-14 generated",
        "已生成仙游县 2021-09-14日报",
    ),
    Written("tracing", _cluster, "Cluster 东门小学聚集性疫情", "聚集性疫情 东门小学聚集性疫情"),
]


@pytest.fixture
def user(make_user):
    made = {}

    def one(role: str):
        if role not in made:
            made[role] = make_user(role, "350322")
        return made[role]

    return one


def _api_summary(api, make_user, event: DomainEvent, language: str) -> str:
    client = api(make_user(Role.COMMANDER, "35", username="province-reader"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    rows = client.get("/api/core/domain-events/", {"kind": event.kind}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    return next(row["summary"] for row in rows if row["id"] == event.pk)


@pytest.mark.django_db
@pytest.mark.chinese
@pytest.mark.parametrize("written", WRITTEN, ids=[w.app for w in WRITTEN])
@pytest.mark.parametrize(("writer", "reader"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_an_apps_event_reads_in_its_readers_language(
    written, writer, reader, tree, user, api, make_user
):
    with translation.override(writer):
        kind = written.write(tree, user)
    event = DomainEvent.objects.filter(kind=kind).latest("id")
    by_language = {"en": written.english, "zh-hans": written.chinese}
    assert event.summary == by_language[writer]  # kept as the writer's request spoke
    assert _api_summary(api, make_user, event, reader) == by_language[reader]


#: The apps whose event's subject has a page with the subject's timeline on it.
ON_A_PAGE = [w for w in WRITTEN if w.app in {"areas", "people", "tasks", "reopening", "protocols"}]


@pytest.mark.django_db
@pytest.mark.chinese
@pytest.mark.parametrize("written", ON_A_PAGE, ids=[w.app for w in ON_A_PAGE])
def test_a_subjects_page_shows_its_timeline_in_the_readers_language(
    written, tree, user, client, make_user
):
    with translation.override("en"):
        kind = written.write(tree, user)
    event = DomainEvent.objects.filter(kind=kind).latest("id")
    subject = event.content_type.get_object_for_this_type(pk=event.object_id)
    client.force_login(make_user(Role.COMMANDER, "35", username="province-reader"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(subject.get_absolute_url()).content.decode()
    assert written.chinese in page
    assert written.english not in page


@pytest.mark.django_db
@pytest.mark.chinese
def test_a_reviews_timeline_in_the_api_reads_in_the_readers_language(tree, user, api, make_user):
    with translation.override("zh-hans"):
        _person(tree, user)
    today = timezone.localdate(clock.now())
    review = do_create_review(
        actor=user(Role.COMMANDER),
        title="本轮疫情总结",
        period_start=today - datetime.timedelta(days=1),
        period_end=today,
        jurisdiction=tree["350322"],
    )
    client = api(user(Role.COMMANDER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    days = client.get(f"/api/tasks/reviews/{review.pk}/timeline/").json()
    summaries = [e["summary"] for day in days for e in day["events"]]
    assert "Person registered: 林某" in summaries
    assert not any("林某" in s and "已登记" in s for s in summaries)
