"""A synthetic tree below the real townships: communities, grids and the places in them.

Fujian publishes no community, grid or building registers, so the demo invents them over the real
divisions (``geo.loaders``). Everything is drawn from ``numpy`` generators seeded by (seed, code),
so a township's communities, grids and places are the same whichever part of the province is
generated and however often. Counts follow the population at the chosen ``scale`` (a fraction of
the real population), with floors so that even a tiny scale gives every township communities and
every grid a building to house its households. All densities below are assumptions chosen to give a
plausible picture, not published figures.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.events import record_event
from pingji.core.messages import message

from .choices import Level, PlaceKind
from .contracts import SYNTHETIC_GENERATED
from .loaders import Division, apportion
from .models import Jurisdiction, Place

#: Assumption: an urban community (社区) or village (村) of about 4,000 residents, a grid of about
#: 1,000 (300-odd households), compounds of ~700 residents in buildings of ~90, one venue per ~350
#: residents, one school per ~2,500, one enterprise site per ~1,500, one quarantine hotel per
#: ~80,000 residents of a county. Counts use the synthetic population (real × scale).
PERSONS_PER_COMMUNITY = 4_000
PERSONS_PER_GRID = 1_000
PERSONS_PER_COMPOUND = 700
PERSONS_PER_BUILDING = 90
PERSONS_PER_VENUE = 350
PERSONS_PER_SCHOOL = 2_500
PERSONS_PER_ENTERPRISE = 1_500
PERSONS_PER_QUARANTINE_SITE = 80_000
MIN_COMMUNITIES = 2
MIN_GRIDS = 2

# Word lists for names (our own; Fujian-flavoured place syllables such as 厝, 埔, 坂, 洋).
_PLACE_FIRST = list("东西南北新前后上下大小高龙凤金玉石山水林溪洋坑湖港塘岭桥埔厝坂青")
_PLACE_SECOND = list("门山湖桥街园坂洋厝埔头尾口里亭岭田溪峰塘林城华兴安和丰美联光阳霞")
_NICE = list("锦绣华富康泰福瑞祥和嘉怡景翠碧海江榕荔枫桂兰金阳光明欣盛润佳")
_COMPOUND_SUFFIX = "花园 小区 新村 家园 公寓 苑 华庭 雅居 新城 大厦".split()
_ROAD_SUFFIX = "路 街 大道 巷".split()
_VENUES = (
    "农贸市场 超市 便利店 餐厅 小吃店 茶馆 药店 理发店 网吧 健身房 棋牌室 海鲜酒楼 KTV 电影院 "
    "菜市场 商场"
).split()
_INDUSTRIES = "鞋业 服装 电子 食品 纺织 机械 工艺品 建材 包装 家具 茶业 水产".split()
_HOTELS = "酒店 宾馆 大酒店 商务酒店".split()


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    county_name: str
    population: int
    reporting_unit: str | None = None
    lon: float | None = None  # the county's centre, around which places are scattered
    lat: float | None = None


@dataclass
class Unit:
    """A planned community or grid."""

    code: str
    name: str
    level: str
    parent: str
    population: int


@dataclass
class PlacePlan:
    kind: str
    name: str
    address: str
    grid: str
    parent: "PlacePlan | None" = None  # the compound a building belongs to
    capacity: int | None = None
    lon: float | None = None
    lat: float | None = None


def short_name(name: str) -> str:
    """仙游县 → 仙游, 枫亭镇 → 枫亭; names that would shrink below two characters stay whole."""
    for suffix in ("街道", "县", "区", "市", "镇", "乡"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _count(persons: float, per: int, floor: int, cap: int) -> int:
    return int(min(cap, max(floor, round(persons / per))))


def _pick(rng: np.random.Generator, words: list[str]) -> str:
    return words[int(rng.integers(len(words)))]


def _two(rng: np.random.Generator, first: list[str], second: list[str]) -> str:
    return _pick(rng, first) + _pick(rng, second)


def plan_units(t: Township, *, scale: float, seed: int) -> list[Unit]:
    """The communities and grids of one township, with their share of its (real) population.

    Codes follow the NBS habit for village-level units: urban communities (社区) from 001, villages
    (村) from 201; grids add three digits. A 街道 has only communities, a 乡 only villages, a 镇 a
    community at its seat and villages around it.
    """
    rng = np.random.default_rng([seed, int(t.code), 0])
    persons = t.population * scale
    n = _count(persons, PERSONS_PER_COMMUNITY, MIN_COMMUNITIES, 199)
    combos = [a + b for a in _PLACE_FIRST for b in _PLACE_SECOND]
    names = [combos[i] for i in rng.choice(len(combos), size=n, replace=False)]
    villages = 0 if not t.name.endswith(("镇", "乡")) else n - (1 if t.name.endswith("镇") else 0)
    weights = rng.uniform(0.6, 1.4, size=n)
    units: list[Unit] = []
    for i, (name, population) in enumerate(
        zip(names, apportion(t.population, weights), strict=True)
    ):
        is_village = i >= n - villages
        number = 201 + i - (n - villages) if is_village else 1 + i
        community = Unit(
            f"{t.code}{number:03d}",
            name + ("村" if is_village else "社区"),
            Level.COMMUNITY,
            t.code,
            population,
        )
        units.append(community)
        g = _count(population * scale, PERSONS_PER_GRID, MIN_GRIDS, 999)
        grid_weights = rng.uniform(0.7, 1.3, size=g)
        for k, share in enumerate(apportion(population, grid_weights), start=1):
            units.append(
                Unit(
                    f"{community.code}{k:03d}",
                    f"{community.name}第{k}网格",
                    Level.GRID,
                    community.code,
                    share,
                )
            )
    return units


def plan_places(t: Township, units: list[Unit], *, scale: float, seed: int) -> list[PlacePlan]:
    """Compounds with buildings and venues in every grid; the township's schools and enterprises."""
    rng = np.random.default_rng([seed, int(t.code), 1])
    centre = None
    if t.lon is not None and t.lat is not None:
        centre = (t.lon + rng.normal(0, 0.04), t.lat + rng.normal(0, 0.03))

    def at(kind, name, address, grid, **extra) -> PlacePlan:
        lon = lat = None
        if centre:
            lon = round(centre[0] + rng.normal(0, 0.008), 6)
            lat = round(centre[1] + rng.normal(0, 0.006), 6)
        return PlacePlan(kind, name, address, grid, lon=lon, lat=lat, **extra)

    def road() -> str:
        return _two(rng, _NICE, _PLACE_SECOND) + _pick(rng, _ROAD_SUFFIX)

    prefix = f"{t.county_name}{t.name}"
    short = short_name(t.name)
    grids = [u for u in units if u.level == Level.GRID]
    grid_codes = [g.code for g in grids]
    names = {u.code: u.name for u in units}
    places: list[PlacePlan] = []
    groups: dict[str, int] = {}  # villagers' groups (村民小组) numbered per village
    for grid in grids:
        community = names[grid.parent]
        persons = grid.population * scale
        compounds = _count(persons, PERSONS_PER_COMPOUND, 1, 50)
        buildings = _count(persons / compounds, PERSONS_PER_BUILDING, 1, 60)
        for _c in range(compounds):
            if community.endswith("村"):
                groups[community] = groups.get(community, 0) + 1
                name = f"{community}{groups[community]}组"
                address, unit = prefix + name, "号"
            else:
                name = _two(rng, _NICE, _NICE) + _pick(rng, _COMPOUND_SUFFIX)
                address, unit = f"{prefix}{road()}{int(rng.integers(1, 300))}号", "号楼"
            compound = at(PlaceKind.COMPOUND, name, address, grid.code)
            places.append(compound)
            places.extend(
                at(
                    PlaceKind.BUILDING,
                    f"{name}{b}{unit}",
                    f"{address}{b}{unit}",
                    grid.code,
                    parent=compound,
                )
                for b in range(1, buildings + 1)
            )
        venues = round(persons / PERSONS_PER_VENUE)
        if grid.code.endswith("001"):  # a community's first grid
            venues = max(1, venues)  # floor: every community has somewhere to check in
        for _v in range(venues):
            kind = _pick(rng, _VENUES)
            name = f"{community}{kind}" if kind.endswith("市场") else _two(rng, _NICE, _NICE) + kind
            address = f"{prefix}{road()}{int(rng.integers(1, 300))}号"
            places.append(at(PlaceKind.VENUE, name, address, grid.code))
    persons = t.population * scale
    schools = [f"{short}中心小学", f"{short}中学", f"{short}中心幼儿园"]
    for s in range(_count(persons, PERSONS_PER_SCHOOL, 1, 99)):
        name = schools[s] if s < len(schools) else f"{short}第{s - 1}小学"
        address = f"{prefix}{road()}{int(rng.integers(1, 200))}号"
        places.append(
            at(
                PlaceKind.SCHOOL,
                name,
                address,
                _pick(rng, grid_codes),
                capacity=int(rng.integers(150, 1500)),
            )
        )
    county = short_name(t.county_name)
    for _e in range(_count(persons, PERSONS_PER_ENTERPRISE, 1, 199)):
        name = f"{county}{_two(rng, _NICE, _NICE)}{_pick(rng, _INDUSTRIES)}有限公司"
        park = _two(rng, _NICE, _PLACE_SECOND)
        address = f"{prefix}{park}工业区{int(rng.integers(1, 90))}号"
        places.append(
            at(
                PlaceKind.ENTERPRISE,
                name,
                address,
                _pick(rng, grid_codes),
                capacity=int(rng.integers(20, 800)),
            )
        )
    return places


def plan_county_sites(
    county: str,
    county_name: str,
    population: int,
    grids: list[str],
    *,
    scale: float,
    seed: int,
    lon=None,
    lat=None,
) -> list[PlacePlan]:
    """Quarantine hotels (by population) and checkpoints (two or three per county) of one county."""
    rng = np.random.default_rng([seed, int(county), 2])
    short = short_name(county_name)
    grids = sorted(grids)

    def at(kind, name, **extra) -> PlacePlan:
        coords = {}
        if lon is not None and lat is not None:
            coords = {
                "lon": round(lon + rng.normal(0, 0.03), 6),
                "lat": round(lat + rng.normal(0, 0.02), 6),
            }
        return PlacePlan(
            kind,
            name,
            f"{county_name}{_two(rng, _NICE, _PLACE_SECOND)}路{int(rng.integers(1, 500))}号",
            _pick(rng, grids),
            **coords,
            **extra,
        )

    sites = [
        at(
            PlaceKind.QUARANTINE_SITE,
            f"{short}{_two(rng, _NICE, _NICE)}{_pick(rng, _HOTELS)}",
            capacity=int(rng.integers(60, 300)),
        )
        for _i in range(_count(population * scale, PERSONS_PER_QUARANTINE_SITE, 1, 99))
    ]
    checkpoints = [f"{short}高速出口", f"{short}汽车客运站", f"{short}火车站"]
    sites += [at(PlaceKind.CHECKPOINT, name) for name in checkpoints[: int(rng.integers(2, 4))]]
    return sites


def townships_from_divisions(rows: Iterable[Division]) -> list[Township]:
    """Townships of a checked divisions file, for planning without a database (benchmarks)."""
    rows = list(rows)
    names = {d.code: d.name for d in rows}
    return [
        Township(d.code, d.name, names[d.code[:6]], d.population, d.reporting_unit)
        for d in rows
        if d.level == Level.TOWNSHIP
    ]


def plan_grids(townships: Iterable[Township], *, scale: float, seed: int) -> list[tuple[str, int]]:
    """(grid code, real population) of every planned grid, in code order."""
    return [
        (u.code, u.population)
        for t in townships
        for u in plan_units(t, scale=scale, seed=seed)
        if u.level == Level.GRID
    ]


def _townships_in_db(within: str) -> list[Township]:
    counties = {
        j.code: j
        for j in Jurisdiction.objects.filter(level=Level.COUNTY, code__startswith=within[:6]).only(
            "code", "name", "center_lon", "center_lat"
        )
    }
    rows = (
        Jurisdiction.objects.filter(level=Level.TOWNSHIP, code__startswith=within)
        .order_by("code")
        .values_list("code", "name", "population", "reporting_unit_id")
    )
    return [
        Township(
            code,
            name,
            counties[code[:6]].name,
            population,
            unit,
            counties[code[:6]].center_lon,
            counties[code[:6]].center_lat,
        )
        for code, name, population, unit in rows
    ]


def _plan_tree(
    townships: list[Township], *, scale: float, seed: int
) -> tuple[list[Jurisdiction], list[PlacePlan]]:
    """The communities and grids below the townships and the places in them, not written.

    Apart from the write so the whole tree is drawn (from the seed alone, the same every run)
    before one row goes in: the write is then two bulk loads and one event.
    """
    units: list[Jurisdiction] = []
    places: list[PlacePlan] = []
    county_grids: dict[str, list[str]] = {}
    for t in townships:
        planned = plan_units(t, scale=scale, seed=seed)
        units.extend(
            Jurisdiction(
                code=u.code,
                name=u.name,
                level=u.level,
                parent_id=u.parent,
                reporting_unit_id=t.reporting_unit,
                population=u.population,
                population_source=_("Synthetic share of the township."),
            )
            for u in planned
        )
        county_grids.setdefault(t.code[:6], []).extend(
            u.code for u in planned if u.level == Level.GRID
        )
        places.extend(plan_places(t, planned, scale=scale, seed=seed))
    for county in Jurisdiction.objects.filter(code__in=list(county_grids)).order_by("code"):
        places.extend(
            plan_county_sites(
                county.code,
                county.name,
                county.population,
                county_grids[county.code],
                scale=scale,
                seed=seed,
                lon=county.center_lon,
                lat=county.center_lat,
            )
        )
    return units, places


def generate_tree(*, scale: float, seed: int, within: str = "") -> dict[str, int]:
    """Write communities, grids and places below every township in ``within`` (bulk, one event).

    Refuses to run over an existing synthetic tree, whose rows other records may already point at.
    """
    townships = _townships_in_db(within)
    if not townships:
        raise ValueError(_("No townships to build on; load the divisions first."))
    scope = within or townships[0].code[:2]
    if Jurisdiction.objects.filter(level=Level.COMMUNITY, code__startswith=within).exists():
        raise ValueError(_("Communities already exist below %(code)s.") % {"code": scope})
    units, places = _plan_tree(townships, scale=scale, seed=seed)
    with transaction.atomic():
        Jurisdiction.objects.bulk_create(units, batch_size=1000)
        created = _create_places(places)
        summary = {
            "communities": sum(u.level == Level.COMMUNITY for u in units),
            "grids": sum(u.level == Level.GRID for u in units),
            "places": created,
        }
        record_event(
            SYNTHETIC_GENERATED,
            message(
                gettext_noop(
                    "Synthetic communities, grids and places generated: "
                    "%(communities)d communities, %(grids)d grids, %(places)d places."
                ),
                summary,
            ),
            jurisdiction_code=scope,
            payload={"scale": scale, "seed": seed, **summary},
        )
    return summary


def _create_places(plans: list[PlacePlan]) -> int:
    """Bulk-create places, compounds before their buildings so buildings can point at them."""

    def build(p: PlacePlan, parent_id=None) -> Place:
        return Place(
            kind=p.kind,
            name=p.name[:200],
            address=p.address[:300],
            jurisdiction_id=p.grid,
            parent_id=parent_id,
            capacity=p.capacity,
            lon=p.lon,
            lat=p.lat,
        )

    heads = [p for p in plans if p.parent is None]
    saved = Place.objects.bulk_create([build(p) for p in heads], batch_size=1000)
    pk_of = {id(p): obj.pk for p, obj in zip(heads, saved, strict=True)}
    parts = [build(p, pk_of[id(p.parent)]) for p in plans if p.parent is not None]
    Place.objects.bulk_create(parts, batch_size=1000)
    return len(saved) + len(parts)
