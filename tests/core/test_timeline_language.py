"""Timelines speak their reader's language, whatever language the event was written in.

An event keeps its summary as a message id with parameters (``core.messages``) and each page
translates it when it is read; an event written before that kept only its text, which it shows.
"""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone, translation

from pingji.cases.actions.course import do_record_outcome
from pingji.cases.actions.reports import do_report_case
from pingji.cases.choices import Outcome, VoidReason
from pingji.cases.tests.conftest import asymptomatic_facts, epi, resident  # noqa: F401
from pingji.core.messages import message, render
from pingji.core.models import DomainEvent


def _timeline(client, case, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(case.get_absolute_url()).content.decode()
    return page.split('id="timeline"')[1].split("</table>")[0]


@pytest.fixture
def reported_in_english(epi, resident, asymptomatic_facts):  # noqa: F811
    with translation.override("en"):
        return do_report_case(actor=epi, person=resident, **asymptomatic_facts)


@pytest.mark.django_db
@pytest.mark.chinese
def test_an_event_written_in_english_reads_in_chinese(client, epi, reported_in_english):  # noqa: F811
    case = reported_in_english
    client.force_login(epi)
    timeline = _timeline(client, case, "zh-hans")
    assert f"已报告病例{case.pk}：林某，无症状感染者" in timeline
    assert "reported" not in timeline
    assert f"Case {case.pk} reported: 林某, asymptomatic infection" in _timeline(client, case, "en")


@pytest.mark.django_db
@pytest.mark.chinese
def test_an_event_written_in_chinese_reads_in_english(client, epi, reported_in_english):  # noqa: F811
    case = reported_in_english
    at = timezone.make_aware(datetime.datetime(2021, 9, 20, 9))
    with translation.override("zh-hans"):
        do_record_outcome(case, actor=epi, outcome=Outcome.RECOVERED, at=at)
    stored = DomainEvent.objects.filter(kind="cases.outcome_recorded").get()
    assert stored.summary == f"病例{case.pk}：治愈出院"  # the writer's words are kept as written
    client.force_login(epi)
    timeline = _timeline(client, case, "en")
    assert f"Case {case.pk}: recovered/discharged" in timeline
    assert "治愈出院" not in timeline


def test_words_among_the_parameters_are_translated_when_read():
    """A choice's label and a nested message are kept as msgids; a name is kept as written."""
    voided = message(
        "%(case)s voided: %(reason)s",
        {"case": message("Case %(number)s", {"number": 7}), "reason": VoidReason.DUPLICATE.label},
    )
    with translation.override("zh-hans"):
        assert render(voided.stored) == "病例7核减：重复报告"
    with translation.override("en"):
        assert render(voided.stored) == "Case 7 voided: duplicate report"


@pytest.mark.django_db
def test_an_old_event_shows_its_summary_as_written():
    old = DomainEvent(kind="cases.reported", summary="Case 3 reported: 林某, confirmed case")
    with translation.override("zh-hans"):
        assert old.text == "Case 3 reported: 林某, confirmed case"
    broken = DomainEvent(summary="as written", message={"id": "Case %(number)s", "params": {}})
    assert broken.text == "as written"  # parameters that no longer fit: the stored text
