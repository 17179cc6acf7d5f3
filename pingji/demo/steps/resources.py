"""The replay's supplies and capacity: reserves in peacetime, drawn down where the outbreak struck.

Stores: one reserve store per city (and Pingtan), one for the province, and one per county that
reported cases (from the cases step). Every store receives its reserve on 1 July 2021 (lots
expiring in 2022–23), sized to hold the protocol's reserve days of its peacetime use with a margin,
and issues a week's peacetime use every Monday. From the first case (10 September) the stores of the
outbreak's cities and counties issue every day in proportion to the cases of their city that day
(masks, protective suits, test kits and swabs), and the province's reserve transfers stock to
Putian on 12 September — so the reserve-days page as of late September shows them under reserve and
the gap their city must fill, while the other cities stay in peacetime.

Figures are synthetic (no published per-store stock exists); quantities scale with the city's
population, never with the demo's population scale, so reserve days read the same at any scale.
Capacity: a designated hospital per city and a fever clinic per county (beds from the 2021 rule of
thumb of one designated hospital per city; synthetic), a lab per city, quarantine rooms in reserve
per county, and the epidemiologists of each county (synthetic headcounts).
"""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from pingji.cases.models import Case
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.resources.actions.registers import do_save_facility, do_save_store, do_save_workforce
from pingji.resources.actions.stock import do_import_issues, do_receive_stock, do_transfer_stock
from pingji.resources.choices import FacilityKind, StaffRole, StoreKind
from pingji.resources.models import Store, SupplyItem

#: (code, name, category, unit, peacetime use a day per 100,000 people, outbreak use per case a day)
ITEMS = [
    ("n95", "N95 口罩", "masks", "只", 60, 400),
    ("surgical-mask", "医用外科口罩", "masks", "只", 300, 1500),
    ("suit", "医用防护服", "protective_suits", "套", 8, 120),
    ("pcr-kit", "核酸检测试剂", "test_kits", "人份", 40, 2500),
    ("swab", "采样拭子", "swabs", "支", 40, 2500),
    ("disinfectant", "含氯消毒剂", "disinfectant", "公斤", 5, 30),
]
RESERVED_ON = datetime.date(2021, 7, 1)
FIRST_MONDAY = datetime.date(2021, 7, 5)
LAST_DAY = datetime.date(2021, 10, 31)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _admin(code: str):
    from pingji.demo.steps.command import actor

    return actor(code, "administrator")


def load(replay) -> dict:
    from pingji.demo.steps.cases import Backdate

    rng = replay.rng("resources")
    province = Jurisdiction.objects.filter(level=Level.PROVINCE).order_by("code").first()
    if province is None:
        return {}
    boss = _admin(province.code)
    backdate = Backdate()
    items = {}
    for code, name, category, measure, *_rates in ITEMS:
        items[code], _created = SupplyItem.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "unit": measure}
        )
    cases_by_city_day: defaultdict[tuple[str, datetime.date], int] = defaultdict(int)
    for row in (
        Case.objects.filter(jurisdiction__drill=False)
        .annotate(d=TruncDate("reported_at"))
        .values("jurisdiction_id", "d")
        .annotate(n=Count("id"))
    ):
        cases_by_city_day[(row["jurisdiction_id"][:4], row["d"])] += row["n"]
    case_counties = sorted(
        {
            c[:6]
            for c in Case.objects.filter(jurisdiction__drill=False).values_list(
                "jurisdiction_id", flat=True
            )
        }
    )
    units = list(Jurisdiction.objects.filter(level=Level.CITY).order_by("code"))
    units += list(Jurisdiction.objects.filter(code__in=["350128", *case_counties]).order_by("code"))
    stores: list[tuple[Store, Jurisdiction]] = []
    with backdate.at(_at(RESERVED_ON, 8)):
        stores.append(
            (
                do_save_store(
                    {
                        "jurisdiction": province,
                        "name": f"{province.name}应急物资储备库",
                        "kind": StoreKind.GOVERNMENT,
                    },
                    actor=boss,
                ),
                province,
            )
        )
        for unit in units:
            kind = StoreKind.GOVERNMENT if unit.level == Level.CITY else StoreKind.CDC
            stores.append(
                (
                    do_save_store(
                        {"jurisdiction": unit, "name": f"{unit.name}应急物资库", "kind": kind},
                        actor=boss,
                    ),
                    unit,
                )
            )
    stock = defaultdict(int)
    movements = 0
    weekly = {}
    for store, unit in stores:
        people = max(unit.population, 100_000) / 100_000
        for code, _n, _c, _u, rate, _per_case in ITEMS:
            weekly[(store.pk, code)] = max(1, round(rate * people * 7))
            # 55–65 weeks of use: the reserve days stay above 30 through peacetime
            quantity = weekly[(store.pk, code)] * rng.randint(55, 65)
            with backdate.at(_at(RESERVED_ON)):
                do_receive_stock(
                    store,
                    item=items[code],
                    lot=f"{code}-{store.pk}-2107",
                    quantity=quantity,
                    actor=boss,
                    at=_at(RESERVED_ON),
                    expires_on=datetime.date(2023, 6, 30),
                )
            stock[(store.pk, code)] = quantity
            movements += 1
    hit = {city for city, _d in cases_by_city_day}
    series: dict[tuple[int, str], list] = defaultdict(list)
    day, last = FIRST_MONDAY, min(LAST_DAY, replay.end)
    while day <= last:
        outbreak = replay.start <= day <= replay.end
        for store, unit in stores:
            city = unit.code[:4]
            drawn = outbreak and city in hit and unit.level != Level.PROVINCE
            if day.weekday() != 0 and not drawn:
                continue
            share = 1 if unit.level == Level.CITY else 2
            for code, _n, _c, _u, _rate, per_case in ITEMS:
                want = 0
                if day.weekday() == 0:
                    want += round(weekly[(store.pk, code)] * (0.8 + 0.4 * rng.random()))
                if drawn:
                    want += per_case * cases_by_city_day.get((city, day), 0) // share
                n = min(want, stock[(store.pk, code)])
                if n > 0:
                    series[(store.pk, code)].append((_at(day, 10), n))
                    stock[(store.pk, code)] -= n
        day += datetime.timedelta(days=1)
    by_pk = {store.pk: store for store, _unit in stores}
    for (pk, code), rows in series.items():
        # one action per store and item: the replay's use as a series of past issues
        with backdate.at(_at(last, 20)):
            movements += len(
                do_import_issues(
                    by_pk[pk], item=items[code], rows=rows, actor=boss, reason="日常使用与疫情处置"
                )
            )
    putian = next((s for s, u in stores if u.code == "3503"), None)
    if putian is not None:
        provincial = stores[0][0]
        for code in ("n95", "suit", "pcr-kit", "swab"):
            n = stock[(provincial.pk, code)] // 2
            if n > 0:
                with backdate.at(_at(datetime.date(2021, 9, 12), 15)):
                    do_transfer_stock(
                        provincial,
                        to_store=putian,
                        item=items[code],
                        quantity=n,
                        actor=boss,
                        reason="支援莆田疫情处置",
                        at=_at(datetime.date(2021, 9, 12), 15),
                    )
                movements += 2
    facilities = _capacity(units, boss, backdate, rng)
    backdate.apply()
    return {
        "stores": len(stores),
        "items": len(items),
        "movements": movements,
        "facilities": facilities,
    }


def _capacity(units, boss, backdate, rng) -> int:
    n = 0
    with backdate.at(_at(RESERVED_ON, 8)):
        for city in (u for u in units if u.level == Level.CITY):
            do_save_facility(
                {
                    "jurisdiction": city,
                    "name": f"{city.name}定点救治医院",
                    "kind": FacilityKind.DESIGNATED_HOSPITAL,
                    "general_beds": 300 + 50 * rng.randint(0, 6),
                    "icu_beds": 20 + 5 * rng.randint(0, 4),
                },
                actor=boss,
            )
            do_save_facility(
                {
                    "jurisdiction": city,
                    "name": f"{city.name}疾控中心实验室",
                    "kind": FacilityKind.LAB,
                    "daily_capacity": 10_000 * rng.randint(2, 8),
                },
                actor=boss,
            )
            n += 2
        for county in Jurisdiction.objects.filter(level=Level.COUNTY).order_by("code"):
            do_save_facility(
                {
                    "jurisdiction": county,
                    "name": f"{county.name}人民医院发热门诊",
                    "kind": FacilityKind.FEVER_CLINIC,
                },
                actor=boss,
            )
            n += 1
            if rng.random() < 0.8:
                do_save_facility(
                    {
                        "jurisdiction": county,
                        "name": f"{county.name}隔离场所（储备）",
                        "kind": FacilityKind.QUARANTINE_RESERVE,
                        "rooms": 50 * rng.randint(2, 8),
                    },
                    actor=boss,
                )
                n += 1
            needed = 10 + 2 * rng.randint(0, 10)
            do_save_workforce(
                {
                    "jurisdiction": county,
                    "role": StaffRole.EPIDEMIOLOGIST,
                    "headcount": max(4, needed - rng.randint(0, 8)),
                    "needed": needed,
                },
                actor=boss,
            )
    return n
