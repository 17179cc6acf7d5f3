"""The situation room and the daily report: figures, bad input, scope, Word/Excel/HTML output."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import load_workbook

from pingji.core import clock
from pingji.core.models import DomainEvent
from pingji.reports import situation as sit
from pingji.reports.actions.daily_reports import do_generate_daily_report
from pingji.reports.models import DailyReport
from pingji.reports.render import sheet_title
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role

D = datetime.date
FUTURE = D.today() + datetime.timedelta(days=2)


@pytest.mark.django_db
def test_situation_of_the_province_as_of_a_day(outbreak, tree):
    s = sit.build(tree["35"], D(2021, 9, 12))
    f = s.figures
    assert s.since == D(2021, 9, 10)
    assert (f["new_confirmed"], f["new_asymptomatic"], f["reclassified_confirmed"]) == (3, 0, 1)
    assert (f["cum_new_confirmed"], f["cum_new_asymptomatic"], f["cum_new_infection"]) == (6, 1, 6)
    by_city = {u["code"]: u["values"] for u in s.units}
    assert by_city["3503"][3] == 5 and by_city["3502"][3] == 1  # Huli's 00:00 case is the 13th
    assert s.onset["y"][s.days.index(D(2021, 9, 9))] == 3
    # the curve stacks each infection once: the reclassified one is not a second bar
    stacked = sum(s.curve["confirmed"]["y"]) + sum(s.curve["asymptomatic"]["y"])
    assert stacked == f["cum_new_infection"] == 6
    assert sum(s.curve["asymptomatic"]["y"]) == 1  # reported asymptomatic, confirmed later


@pytest.mark.django_db
def test_a_future_day_is_refused(tree):
    with pytest.raises(ValidationError):
        sit.build(tree["35"], FUTURE)
    with pytest.raises(ValidationError):
        do_generate_daily_report(tree["35"], FUTURE)


@pytest.mark.django_db
def test_dashboard_page_scope_and_bad_dates(client, outbreak, make_user):
    client.force_login(outbreak)
    page = client.get("/reports/situation/35/?on=2021-09-12")
    assert page.status_code == 200
    assert b'data-key="cum_new_confirmed"><div class="big">6<' in page.content
    assert client.get("/reports/situation/35/?on=2021-09-12&screen=1").status_code == 200
    bad = client.get(f"/reports/situation/35/?on={FUTURE.isoformat()}")
    assert bad.status_code == 400 and b"The date is in the future." in bad.content
    assert client.get("/reports/situation/35/?on=not-a-date").status_code == 400
    assert client.get("/reports/situation/35/?on=2021-09-12&since=2021-09-20").status_code == 400
    huli = make_user(Role.COMMANDER, "350206")
    client.force_login(huli)
    assert client.get("/reports/situation/3503/?on=2021-09-12").status_code == 404
    assert client.get("/reports/situation/nonsense/").status_code == 404
    assert client.get("/reports/situation/350206/?on=2021-09-13").status_code == 200


def _docx_text(report) -> tuple[str, str]:
    data = report.docx.open("rb").read()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs), xml


@pytest.mark.django_db
@pytest.mark.chinese
def test_daily_report_in_chinese_word_excel_html(outbreak, tree):
    with translation.override("zh-hans"):
        report = do_generate_daily_report(tree["35"], D(2021, 9, 12))
    text, xml = _docx_text(report)
    assert "福建省" in text
    assert 'w:eastAsia="仿宋"' in xml  # Chinese text gets a Chinese font in Word
    # the epidemic curve is a picture, titled and explained in the reader's language
    media = [n for n in zipfile.ZipFile(report.docx.open("rb")).namelist() if "media/" in n]
    assert len(media) == 1 and media[0].endswith(".png") and "<pic:pic" in xml
    with translation.override("zh-hans"):
        assert _("Epidemic curve by report date") in text
    book = load_workbook(report.xlsx.open("rb"))
    # the sheets are named in the reader's language, within Excel's 31 characters
    with translation.override("zh-hans"):
        assert {sheet_title(_("Summary")), sheet_title(_("By area"))} <= set(book.sheetnames)
    assert not {"summary", "units", "curve"} & set(book.sheetnames)
    assert all(len(name) <= 31 for name in book.sheetnames)
    with translation.override("zh-hans"):
        rows = list(book[sheet_title(_("By area"))].values)
    assert rows[-1][4] == 6  # total confirmed since the start
    html = report.html.open("rb").read().decode()
    assert "福建省" in html and "<table" in html
    assert DomainEvent.objects.filter(kind="reports.daily_report_generated").count() == 1


@pytest.mark.django_db
def test_province_report_is_consistent_with_the_cities(outbreak, tree):
    day = D(2021, 9, 13)
    province = do_generate_daily_report(tree["35"], day)
    cities = [do_generate_daily_report(tree[c], day) for c in ("3502", "3503")]
    for key, value in province.figures.items():
        assert value == sum(c.figures[key] for c in cities), key
    rows = {u["code"]: u["values"] for u in province.units}
    for city in cities:
        assert rows[city.jurisdiction_id][3] == city.figures["cum_new_confirmed"]


@pytest.mark.django_db
def test_regenerating_replaces_the_day(outbreak, tree):
    first = do_generate_daily_report(tree["35"], D(2021, 9, 12))
    again = do_generate_daily_report(tree["35"], D(2021, 9, 12))
    assert first.pk == again.pk and DailyReport.objects.count() == 1
    assert again.figures == first.figures


@pytest.mark.django_db
def test_generate_through_the_page_and_download(client, outbreak, tree, make_user):
    commander = make_user(Role.COMMANDER, "3503", username="putian-commander")
    client.force_login(commander)
    ok = client.post("/reports/daily/new/", {"jurisdiction": "3503", "day": "2021-09-12"})
    assert ok.status_code == 302
    report = DailyReport.objects.get()
    assert client.get(f"/reports/daily/{report.pk}/docx/").status_code == 200
    assert client.get(f"/reports/daily/{report.pk}/exe/").status_code == 404
    # the page names the archived figures in words, never by their storage keys
    page = client.get(report.get_absolute_url()).content.decode()
    figures = page[page.index('id="figures"') :]
    assert "new confirmed cases" in figures and "new infections since " in figures
    assert not any(f"<th>{key}</th>" in figures for key in report.figures)
    for data in (
        {"jurisdiction": "3502", "day": "2021-09-12"},  # outside: not even a choice
        {"jurisdiction": "3503", "day": FUTURE.isoformat()},
        {"jurisdiction": "3503", "day": ""},
        {"jurisdiction": "<script>", "day": "2021-13-45"},
    ):
        assert client.post("/reports/daily/new/", data).status_code == 400
    assert DailyReport.objects.count() == 1
    huli = make_user(Role.COMMANDER, "350206", username="huli-commander")
    client.force_login(huli)
    assert client.get(f"/reports/daily/{report.pk}/docx/").status_code == 404


@pytest.mark.django_db
def test_api_generates_and_refuses_bad_input(api, outbreak, tree, make_user):
    commander = make_user(Role.COMMANDER, "3503", username="putian-commander")
    client = api(commander)
    made = client.post(
        "/api/reports/daily/", {"jurisdiction": "3503", "day": "2021-09-12"}, format="json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["figures"]["cum_new_confirmed"] == 5
    again = client.post(
        "/api/reports/daily/", {"jurisdiction": "3503", "day": "2021-09-12"}, format="json"
    )
    assert again.status_code == 201 and DailyReport.objects.count() == 1
    assert (
        client.post(
            "/api/reports/daily/", {"jurisdiction": "3502", "day": "2021-09-12"}, format="json"
        ).status_code
        == 404
    )
    future = client.post(
        "/api/reports/daily/", {"jurisdiction": "3503", "day": FUTURE.isoformat()}, format="json"
    )
    assert future.status_code == 400 and "day" in future.json()
    assert (
        client.post(
            "/api/reports/daily/", {"jurisdiction": "3503", "day": "x"}, format="json"
        ).status_code
        == 400
    )
    assert DailyReport.objects.count() == 1


@pytest.mark.django_db
def test_daily_command_archives_the_province_and_its_cities(outbreak, tree):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("dailyreport", "--date", "2021-09-13", "--code", "35", stdout=out)
    assert "3 daily reports" in out.getvalue()
    assert set(DailyReport.objects.values_list("jurisdiction_id", flat=True)) == {
        "35",
        "3502",
        "3503",
    }
    for bad in (["--date", "13/09/2021"], ["--date", FUTURE.isoformat()], ["--code", "99"]):
        with pytest.raises(CommandError):
            call_command("dailyreport", *bad, stdout=out)
    assert DailyReport.objects.count() == 3


@pytest.mark.django_db
def test_rt_with_too_few_cases_shows_insufficient_data_not_the_prior(client, outbreak, tree):
    from pingji.analytics.actions.series import do_compute_series

    on = D(2021, 9, 20)
    live = sit.build(tree["35"], on)  # nothing stored: computed with each day's interval
    assert live.rt and all(r["insufficient"] and r["mean"] is None for r in live.rt)
    do_compute_series(tree["35"], D(2021, 9, 9), on)
    stored = sit.build(tree["35"], on)
    assert stored.rt[-1] == live.rt[-1] and stored.rt[-1]["day"] == on.isoformat()
    assert all(row["rows"][-1]["insufficient"] for row in stored.rt_by_unit)
    client.force_login(outbreak)
    page = client.get(f"/reports/situation/35/?on={on.isoformat()}").content.decode()
    assert 'id="rt-insufficient"' in page
    assert '"mean": 5' not in page and '"insufficient": true' in page
    with translation.override("en"):
        report = do_generate_daily_report(tree["35"], on)
    html = report.html.open("rb").read().decode() if report.html else ""
    assert "insufficient data" in html


def _file_report_cards(filer) -> None:
    """File every case's report card within its time limit, at that time: the outbreak's cases
    leave no overdue filing work item of their own."""
    from pingji.exchange.actions.cards import do_file_card
    from pingji.exchange.models import ReportCard

    for card in ReportCard.objects.all():
        at = card.diagnosed_at + datetime.timedelta(hours=1)
        with clock.pinned(at):
            do_file_card(
                card,
                actor=filer,
                card_number=f"C{card.pk:08d}",
                filed_at=at,
                occupation="worker",
                reporting_unit="仙游县医院",
            )


@pytest.mark.django_db
def test_the_overdue_list_says_how_many_it_lists(client, outbreak, tree, make_user):
    late = timezone.make_aware(datetime.datetime(2021, 9, 11, 9))
    for _n in range(3):
        TaskFactory(jurisdiction=tree["3503"], deadline=late, created_at=late)
    _file_report_cards(make_user(Role.EPIDEMIOLOGIST, "35", username="card-filer"))
    client.force_login(make_user(Role.COMMANDER, "3503", username="putian-commander"))
    page = client.get("/reports/situation/3503/", {"on": "2021-09-12"}).content.decode()
    listed = page[page.index('id="overdue-count"') :]
    assert listed.split(">", 1)[1].startswith("3<")
    table = listed[: listed.index("</table>")]
    assert table.count("<tr>") - 1 == 3  # the header row, then the three


@pytest.mark.django_db
def test_the_situation_rooms_rows_link_their_pages_and_escape_every_name(
    client, outbreak, tree, make_user
):
    """The rows are written in Python (reports.templatetags.situation_rows)."""
    late = timezone.make_aware(datetime.datetime(2021, 9, 11, 9))
    task = TaskFactory(
        jurisdiction=tree["3503"], deadline=late, created_at=late, title="<b>late</b>"
    )
    tree["350322"].name = '<i>"Xianyou"</i>'
    tree["350322"].save()
    client.force_login(make_user(Role.COMMANDER, "3503", username="putian-commander"))
    page = client.get("/reports/situation/3503/", {"on": "2021-09-12", "screen": "1"})
    html = page.content.decode()
    assert "<b>late</b>" not in html and "&lt;b&gt;late&lt;/b&gt;" in html
    assert f'<a href="{task.get_absolute_url()}">' in html
    assert "2021-09-11 09:00" in html.split('id="overdue"')[1]
    assert '<i>"Xianyou"</i>' not in html
    assert (
        '<a href="/reports/situation/350322/?on=2021-09-12&amp;screen=1">'
        "&lt;i&gt;&quot;Xianyou&quot;&lt;/i&gt;</a>"
    ) in html
