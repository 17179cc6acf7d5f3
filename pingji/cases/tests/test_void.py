"""Voiding a case reported in error (核减) and revising a confirmed case to asymptomatic (订正):
the actions, the page with its confirmation step, the API, and every refusal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pingji.cases.actions.course import (
    do_reclassify_case,
    do_record_outcome,
    do_update_case,
    do_void_case,
)
from pingji.cases.actions.reports import do_report_case
from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.actions import Conflict
from pingji.core.events import events_for
from pingji.users.choices import Role

from .conftest import at

URL = "/api/cases/cases/"
#: The clock of these tests: 2021-09-15 10:00 Beijing time, after every report.
NOW = at(15, 10)


@pytest.fixture(autouse=True)
def _now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def report(epi, person, **facts):
    return do_report_case(actor=epi, person=person, **facts)


def voids(case) -> list[dict]:
    return [e.payload for e in events_for(case).filter(kind="cases.voided")]


def reclassify_to_confirmed(case, epi, **extra):
    return do_reclassify_case(
        case,
        actor=epi,
        classification="confirmed",
        severity="mild",
        onset_date=datetime.date(2021, 9, 13),
        at=at(14),
        **extra,
    )


# --- voiding: the action ----------------------------------------------------------------------


def test_a_voided_case_is_kept_marked_and_takes_back_what_it_counted(
    epi, resident, confirmed_facts
):
    case = report(epi, resident, **confirmed_facts)
    voided = do_void_case(case, actor=epi, reason="duplicate")
    assert Case.objects.filter(pk=case.pk).exists()  # never deleted
    assert voided.voided and voided.voided_at == NOW and voided.void_reason == "duplicate"
    assert not voided.is_open
    [payload] = voids(case)
    assert payload == {
        "voided_infection": 1,
        "voided_confirmed": 1,
        "voided_asymptomatic": 0,
        "left_treatment": 1,
        "classification": "confirmed",
        "reason": "duplicate",
        "reason_text": "",
        "at": NOW.isoformat(),
        "disease": "covid-19",
    }
    event = events_for(case).get(kind="cases.voided")
    assert event.time == NOW and event.recorded_at == NOW  # on its own day, never back-dated
    assert event.actor == epi


def test_a_void_takes_back_each_total_the_case_reached(epi, resident, asymptomatic_facts):
    # an asymptomatic infection later confirmed counted in both totals and once as an infection
    case = report(epi, resident, **asymptomatic_facts)
    reclassify_to_confirmed(case, epi, reason="symptoms_developed")
    do_void_case(case, actor=epi, reason="misdiagnosis")
    [payload] = voids(case)
    assert (
        payload["voided_infection"],
        payload["voided_confirmed"],
        payload["voided_asymptomatic"],
    ) == (1, 1, 1)


def test_a_closed_case_voided_leaves_no_one_under_treatment(epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    do_record_outcome(case, actor=epi, outcome="recovered", at=at(14))
    do_void_case(case, actor=epi, reason="not_local")
    [payload] = voids(case)
    assert payload["left_treatment"] == 0 and payload["voided_confirmed"] == 1


def test_a_person_whose_case_was_voided_can_be_reported_again(epi, resident, confirmed_facts):
    first = report(epi, resident, **confirmed_facts)
    with pytest.raises(ValidationError):  # one open case per person…
        report(epi, resident, **confirmed_facts)
    do_void_case(first, actor=epi, reason="misdiagnosis")
    second = report(epi, resident, **confirmed_facts)  # …and a voided one holds none open
    assert second.episode == 2 and second.is_open


@pytest.mark.parametrize(
    ("reason", "text", "field", "code"),
    [
        ("", "", "reason", "required"),
        (None, "", "reason", "required"),
        ("mistake", "", "reason", "invalid_choice"),
        ("<script>", "", "reason", "invalid_choice"),
        ("other", "", "reason_text", "required"),
        ("other", "   ", "reason_text", "required"),
        ("other", "字" * 501, "reason_text", "max_length"),
        ("other", "a\x00b", "reason_text", "invalid"),
        ("duplicate", ["not", "text"], "reason_text", "invalid"),
    ],
)
def test_a_void_without_a_good_reason_is_refused_and_changes_nothing(
    epi, resident, confirmed_facts, reason, text, field, code
):
    case = report(epi, resident, **confirmed_facts)
    with pytest.raises(ValidationError) as caught:
        do_void_case(case, actor=epi, reason=reason, reason_text=text)
    assert caught.value.error_dict[field][0].code == code
    case.refresh_from_db()
    assert not case.voided and not voids(case)


def test_other_needs_words_and_keeps_them(epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    hostile = "  <img src=x onerror=alert(1)> 实为外省报告  "
    do_void_case(case, actor=epi, reason="other", reason_text=hostile)
    case.refresh_from_db()
    assert case.void_note == hostile.strip() and voids(case)[0]["reason_text"] == hostile.strip()


def test_a_case_is_voided_once(epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    do_void_case(case, actor=epi, reason="duplicate")
    with pytest.raises(Conflict) as caught:
        do_void_case(case, actor=epi, reason="misdiagnosis")
    assert caught.value.error_dict["case"][0].code == "voided"
    assert len(voids(case)) == 1
    case.refresh_from_db()
    assert case.void_reason == "duplicate"


def test_a_voided_case_is_never_edited_reclassified_or_closed(epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    do_void_case(case, actor=epi, reason="duplicate")
    case.refresh_from_db()
    attempts = [
        lambda: do_update_case(case, {"notes": "x"}, actor=epi),
        lambda: do_reclassify_case(
            case,
            actor=epi,
            classification="confirmed",
            reason="symptoms_developed",
            severity="severe",
            at=at(14),
        ),
        lambda: do_reclassify_case(
            case,
            actor=epi,
            classification="asymptomatic",
            at=at(14),
            reason="diagnosis_revised",
        ),
        lambda: do_record_outcome(case, actor=epi, outcome="recovered", at=at(14)),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as caught:
            attempt()
        assert caught.value.error_dict["case"][0].code == "voided"
    case.refresh_from_db()
    assert (case.classification, case.severity, case.notes) == ("confirmed", "mild", "")
    assert list(events_for(case).values_list("kind", flat=True)) == [
        "cases.reported",
        "cases.voided",
    ]


def test_a_case_outside_the_actors_area_cannot_be_voided(huli_epi, epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    with pytest.raises(PermissionDenied):
        do_void_case(case, actor=huli_epi, reason="duplicate")
    case.refresh_from_db()
    assert not case.voided


# --- revising a confirmed case to asymptomatic (订正) ------------------------------------------


def test_a_revised_diagnosis_takes_the_confirmed_case_back_and_adds_an_asymptomatic_one(
    epi, resident, confirmed_facts
):
    case = report(epi, resident, **confirmed_facts)
    do_reclassify_case(
        case,
        actor=epi,
        classification="asymptomatic",
        at=at(14),
        reason="diagnosis_revised",
        reason_text="症状系基础疾病所致",
    )
    case.refresh_from_db()
    assert (case.classification, case.severity, case.onset_date) == ("asymptomatic", "", None)
    event = events_for(case).get(kind="cases.reclassified")
    p = event.payload
    assert (p["new_infection"], p["new_confirmed"], p["new_asymptomatic"]) == (0, 0, 1)
    assert p["revised_confirmed"] == 1 and p["reclassified_from"] == "confirmed"
    assert (p["reason"], p["reason_text"]) == ("diagnosis_revised", "症状系基础疾病所致")
    assert event.time == at(14) and "diagnosis revised" in event.summary


def test_an_infection_counted_asymptomatic_once_is_not_counted_asymptomatic_again(
    epi, resident, asymptomatic_facts
):
    case = report(epi, resident, **asymptomatic_facts)
    reclassify_to_confirmed(case, epi, reason="symptoms_developed")
    do_reclassify_case(
        case, actor=epi, classification="asymptomatic", at=at(15, 9), reason="diagnosis_revised"
    )
    revised = events_for(case).filter(kind="cases.reclassified").last().payload
    assert (revised["new_asymptomatic"], revised["revised_confirmed"]) == (0, 1)


def test_both_directions_need_a_reason_from_a_person(epi, resident, asymptomatic_facts):
    case = report(epi, resident, **asymptomatic_facts)
    with pytest.raises(ValidationError) as caught:
        reclassify_to_confirmed(case, epi, reason="")  # the form and the API always say
    assert caught.value.error_dict["reason"][0].code == "required"
    with pytest.raises(ValidationError) as caught:
        reclassify_to_confirmed(case, epi, reason="other", reason_text="")
    assert caught.value.error_dict["reason_text"][0].code == "required"
    case.refresh_from_db()
    assert case.classification == "asymptomatic"
    reclassify_to_confirmed(case, epi, reason="other", reason_text="CT 影像学改变")
    payload = events_for(case).get(kind="cases.reclassified").payload
    assert (payload["reason"], payload["reason_text"]) == ("other", "CT 影像学改变")
    assert payload["revised_confirmed"] == 0


def test_a_suspected_case_moves_without_a_reason(epi, resident):
    case = report(
        epi, resident, classification="suspected", reported_at=at(12), channel="fever_clinic"
    )
    do_reclassify_case(case, actor=epi, classification="ruled_out", at=at(13), reason="")
    case.refresh_from_db()
    assert case.classification == "ruled_out"


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def logged_in(client, epi):
    client.force_login(epi)
    return client


def test_the_detail_offers_voiding_behind_a_confirmation_page(
    logged_in, epi, resident, confirmed_facts
):
    case = report(epi, resident, **confirmed_facts)
    detail = logged_in.get(case.get_absolute_url()).content.decode()
    url = reverse("cases:case_void", args=[case.pk])
    assert f'href="{url}"' in detail
    page = logged_in.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "takes it out of the totals from today, 2021-09-15" in html
    assert "1 infections, 1 confirmed cases and 0 asymptomatic infections fewer" in html
    assert 'name="void-reason"' in html
    case.refresh_from_db()
    assert not case.voided  # looking is not voiding


def test_voiding_through_the_page(logged_in, epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    url = reverse("cases:case_void", args=[case.pk])
    response = logged_in.post(url, {"void-reason": "duplicate"})
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    detail = logged_in.get(case.get_absolute_url()).content.decode()
    assert 'id="voided"' in detail and "duplicate report" in detail
    assert 'id="reclassify"' not in detail and 'id="correct"' not in detail
    assert f'href="{url}"' not in detail
    listed = logged_in.get(reverse("cases:case_list")).content.decode()
    assert "voided: duplicate report" in listed
    assert list(
        logged_in.get(reverse("cases:case_list"), {"voided": "true"}).context["object_list"]
    ) == [case]
    assert not logged_in.get(reverse("cases:case_list"), {"voided": "false"}).context["object_list"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, "This field is required."),
        ({"void-reason": "oops"}, "Select a valid choice."),
        ({"void-reason": "other"}, "Say why, in words."),
        ({"void-reason": "other", "void-reason_text": "x" * 5000}, "at most 500 characters"),
        ({"void-reason": "other", "void-reason_text": "a\x00b"}, "Null characters"),
    ],
)
def test_the_page_refuses_bad_reasons(logged_in, epi, resident, confirmed_facts, data, expected):
    case = report(epi, resident, **confirmed_facts)
    response = logged_in.post(reverse("cases:case_void", args=[case.pk]), data)
    assert response.status_code == 400
    assert expected in response.content.decode()
    case.refresh_from_db()
    assert not case.voided


def test_hostile_words_are_shown_escaped(logged_in, epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    logged_in.post(
        reverse("cases:case_void", args=[case.pk]),
        {"void-reason": "other", "void-reason_text": "<script>alert(1)</script>"},
    )
    html = logged_in.get(case.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_voiding_twice_through_the_page_is_409(logged_in, epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    do_void_case(case, actor=epi, reason="duplicate")
    response = logged_in.post(
        reverse("cases:case_void", args=[case.pk]), {"void-reason": "misdiagnosis"}
    )
    assert response.status_code == 409
    assert "already voided on 2021-09-15" in response.content.decode()
    case.refresh_from_db()
    assert case.void_reason == "duplicate"
    # and a step posted to a voided case is refused the same way
    refused = logged_in.post(
        reverse("cases:case_outcome", args=[case.pk]),
        {"outcome-outcome": "recovered", "outcome-at": "2021-09-14T09:00"},
    )
    assert refused.status_code == 409 and "can no longer be changed" in refused.content.decode()


def test_outsiders_get_404_and_roles_without_the_permission_403(
    client, huli_epi, make_user, epi, resident, confirmed_facts
):
    case = report(epi, resident, **confirmed_facts)
    url = reverse("cases:case_void", args=[case.pk])
    client.force_login(huli_epi)
    assert client.get(url).status_code == 404
    assert client.post(url, {"void-reason": "duplicate"}).status_code == 404
    client.force_login(make_user(Role.COMMANDER, "350322"))
    assert client.post(url, {"void-reason": "duplicate"}).status_code == 403
    case.refresh_from_db()
    assert not case.voided


def test_the_reclassify_form_asks_for_the_reason(logged_in, epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    url = reverse("cases:case_reclassify", args=[case.pk])
    data = {"reclassify-classification": "asymptomatic", "reclassify-at": "2021-09-14T09:00"}
    refused = logged_in.post(url, data)
    assert refused.status_code == 400 and "Give the reason." in refused.content.decode()
    ok = logged_in.post(url, {**data, "reclassify-reason": "diagnosis_revised"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.classification == "asymptomatic"


# --- the API ------------------------------------------------------------------------------------


def test_voiding_through_the_api(api, epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    response = api(epi).post(
        f"{URL}{case.pk}/void/", {"reason": "not_local", "reason_text": "外省病例"}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["void_reason"] == "not_local" and data["void_note"] == "外省病例"
    assert data["voided_at"].startswith("2021-09-15")
    again = api(epi).post(f"{URL}{case.pk}/void/", {"reason": "duplicate"}, format="json")
    assert again.status_code == 409 and "already voided" in again.json()["case"][0]
    patch = api(epi).patch(f"{URL}{case.pk}/", {"notes": "late"}, format="json")
    assert patch.status_code == 409 and "can no longer be changed" in patch.json()["case"][0]
    listed = api(epi).get(URL, {"voided": "true"}).json()
    assert [r["id"] for r in listed["results"]] == [case.pk]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "oops"}, "reason"),
        ({"reason": ["duplicate"]}, "reason"),
        ({"reason": "other"}, "reason_text"),
        ({"reason": "other", "reason_text": "x" * 100_000}, "reason_text"),
        ({"reason": "other", "reason_text": "a\x00b"}, "reason_text"),
        ({"reason": "other", "reason_text": {"$ne": 1}}, "reason_text"),
    ],
)
def test_the_api_refuses_bad_reasons(api, epi, resident, confirmed_facts, body, field):
    case = report(epi, resident, **confirmed_facts)
    response = api(epi).post(f"{URL}{case.pk}/void/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    case.refresh_from_db()
    assert not case.voided


def test_the_api_keeps_outsiders_and_readers_out(
    api, huli_epi, make_user, epi, resident, confirmed_facts
):
    case = report(epi, resident, **confirmed_facts)
    body = {"reason": "duplicate"}
    assert api(huli_epi).post(f"{URL}{case.pk}/void/", body, format="json").status_code == 404
    commander = make_user(Role.COMMANDER, "350322")
    assert api(commander).post(f"{URL}{case.pk}/void/", body, format="json").status_code == 403
    case.refresh_from_db()
    assert not case.voided


def test_the_api_reclassifies_both_ways_with_a_reason(api, epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    url = f"{URL}{case.pk}/reclassify/"
    body = {"classification": "asymptomatic", "at": "2021-09-14T10:00:00+08:00"}
    missing = api(epi).post(url, body, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    unknown = api(epi).post(url, {**body, "reason": "bored"}, format="json")
    assert unknown.status_code == 400 and "reason" in unknown.json()
    ok = api(epi).post(url, {**body, "reason": "diagnosis_revised"}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["classification"] == "asymptomatic" and ok.json()["onset_date"] is None
    back = api(epi).post(
        url,
        {
            "classification": "confirmed",
            "severity": "mild",
            "onset_date": "2021-09-14",
            "at": "2021-09-15T09:00:00+08:00",
        },
        format="json",
    )
    assert back.status_code == 400 and "reason" in back.json()
