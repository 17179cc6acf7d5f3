"""A synthetic resident population, generated with numpy in chunks and written to the ORM.

The generator streams: it holds one chunk of persons at a time plus a small counter per county, so
the whole province (``scale=1``, about 41.6 million persons) runs in a few hundred megabytes. Every
column is drawn vectorised, identity numbers included (GB 11643-1999: the county's 6-digit code, the
birth date, a 3-digit sequence that is odd for men and even for women, and the check character).
Sequences are handed out in order per county, birth date and sex, so identity numbers never repeat.

Figures and their sources (everything not listed is an assumption, marked where it is used):

* Fujian 7th national census (1 Nov 2020), main-data bulletin of 20 May 2021, as quoted by
  m.gxscse.com/ShuJuXiangGuan/951534.html: men 51.68 % of residents; ages 0–14 19.32 %, 15–59
  64.70 %, 60 and over 15.98 % of which 65 and over 11.10 %; 2.68 persons per family household.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from pingji.geo.choices import PlaceKind
from pingji.geo.loaders import apportion
from pingji.geo.models import Place

from .choices import Sex
from .models import Household, Person

#: Ages are drawn as at the census's standard time.
REFERENCE_DATE = np.datetime64("2020-11-01")
MALE_SHARE = 0.5168  # Fujian 7th census
#: Census age bands (Fujian 7th census) as (first age, last age, share of residents).
AGE_BANDS = ((0, 14, 0.1932), (15, 59, 0.6470), (60, 64, 0.0488), (65, 99, 0.1110))
#: Assumption: the shape of the pyramid inside those bands, by 5-year group from 0–4 to 95–99,
#: roughly that of China in 2020 (a bulge at 30–34 and 45–59, thinning after 70).
_GROUP_SHAPE = np.array(
    "5.5 6.3 6.0 5.3 5.4 6.6 8.9 7.1 6.9 8.3 8.7 7.2 5.2 5.0 3.5 2.3 1.5 0.8 0.3 0.08".split(),
    dtype=float,
)
#: Assumption: the share of households by size (1–6), close to the national 7th-census pattern,
#: with a mean of 2.67 against Fujian's 2.68 persons per family household (collective households,
#: 7 % of residents, are not modelled).
HOUSEHOLD_SIZES = np.arange(1, 7)
HOUSEHOLD_SHARES = np.array([0.23, 0.29, 0.22, 0.14, 0.08, 0.04])
HEAD_MIN_AGE = 18
PHONE_MIN_AGE = 12  # assumption: younger children have no mobile number of their own
#: Mainland mobile prefixes of the three operators (MIIT numbering plan).
PHONE_PREFIXES = np.array(
    (
        "134 135 136 137 138 139 150 151 152 157 158 159 178 182 183 187 188 198"
        " 130 131 132 155 156 166 175 176 185 186 133 153 173 177 180 181 189 199"
    ).split(),
    dtype=np.int64,
)
#: Assumption: surname weights for Fujian, where 陈 and 林 lead (“陈林半天下”).
_SURNAMES = (
    "陈10.6 林9.5 黄6.0 张4.0 吴3.8 李3.5 王3.0 郑3.0 刘2.5 杨2.0 许2.0 蔡1.8 洪1.5 郭1.5 曾1.4 "
    "谢1.3 邱1.2 罗1.2 苏1.1 周1.1 方1.0 叶1.0 庄1.0 游0.8 余0.8 何0.8 江0.8 徐0.7 朱0.7 魏0.7 "
    "詹0.6 卢0.6 傅0.6 施0.6 彭0.5 钟0.5 赖0.5 连0.5 范0.4 潘0.4"
).split()
_GIVEN_MALE = np.array(
    list(
        "伟强军磊勇杰涛斌超明辉鹏华建志文俊宇浩轩晨阳峰健龙海平东金荣福国成德清泉榕锦鑫凯博翔毅鸿振"
    )
)
_GIVEN_FEMALE = np.array(
    list("芳娜敏静丽艳娟霞燕玲婷雪慧琳颖洁萍红梅莉欣怡佳悦涵萱琪珊璐蓉月秀英凤兰桂彩淑晓思雨诗")
)
TWO_CHARACTER_GIVEN_NAMES = 0.75  # assumption
_ID_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2))  # GB 11643 §6.2
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_DAYS = 101 * 366  # birth dates span at most this many days before the reference date


def age_distribution() -> np.ndarray:
    """P(age = a) for a = 0…99: census band totals, the assumed shape inside each band."""
    single = np.repeat(_GROUP_SHAPE / 5, 5)
    p = np.zeros(100)
    for first, last, share in AGE_BANDS:
        band = single[first : last + 1]
        p[first : last + 1] = share * band / band.sum()
    return p / p.sum()


AGES = np.arange(100)
AGE_P = age_distribution()
_HEAD_P = np.where(AGES >= HEAD_MIN_AGE, AGE_P, 0) / AGE_P[HEAD_MIN_AGE:].sum()
_SURNAME_CHARS = np.array([entry[0] for entry in _SURNAMES])
_SURNAME_P = np.array([float(entry[1:]) for entry in _SURNAMES])
_SURNAME_P /= _SURNAME_P.sum()


@dataclass(frozen=True)
class Cell:
    """A grid to populate: its code, the 6-digit code of its county, and how many residents."""

    grid: str
    county: str
    persons: int


@dataclass
class PersonChunk:
    """A block of generated residents, one numpy array per column (row i is one person)."""

    grids: np.ndarray  # grid codes of the cells in this chunk
    cell: np.ndarray  # int32 index into ``grids``
    household: np.ndarray  # int64, numbered across the whole stream
    head: np.ndarray  # bool: the first member of a household, always an adult
    male: np.ndarray  # bool
    birth: np.ndarray  # datetime64[D]
    id_number: np.ndarray  # S18
    phone: np.ndarray  # S11, b"" for children
    name: np.ndarray  # U3

    def __len__(self) -> int:
        return len(self.cell)


def cells_for(grids: Iterable[tuple[str, int]], scale: float) -> list[Cell]:
    """Residents per grid at ``scale``: each county's total rounded, then shared by population."""
    by_county: dict[str, list[tuple[str, int]]] = {}
    for code, population in grids:
        by_county.setdefault(code[:6], []).append((code, population))
    cells: list[Cell] = []
    for county, members in sorted(by_county.items()):
        total = round(sum(p for _c, p in members) * scale)
        shares = apportion(total, [p for _c, p in members])
        cells.extend(Cell(code, county, n) for (code, _p), n in zip(members, shares, strict=True))
    return cells


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n,) non-negative integers → (n, width) uint8 decimal digits, most significant first.

    One scalar division per digit: numpy divides by a scalar far faster than by an array.
    """
    digits = np.empty((len(values), width), dtype=np.uint8)
    rest = values.astype(np.int64)
    for k in range(width - 1, -1, -1):
        rest, digits[:, k] = np.divmod(rest, 10)
    return digits


def _segment(numbers: np.ndarray, width: int, weights: np.ndarray):
    """ASCII digits of each number, and their weighted digit sum (GB 11643 §6.2) as one segment."""
    digits = _digits(numbers, width)
    return digits + ord("0"), digits.astype(np.int64) @ weights


def _date_numbers(days_before: np.ndarray) -> np.ndarray:
    """YYYYMMDD of the dates ``days_before`` the reference date."""
    day = REFERENCE_DATE - days_before.astype("timedelta64[D]")
    year, month = day.astype("datetime64[Y]"), day.astype("datetime64[M]")
    return (
        (year.astype(np.int64) + 1970) * 10000
        + ((month - year).astype(np.int64) + 1) * 100
        + (day - month).astype(np.int64)
        + 1
    )


_DATE_ASCII, _DATE_SUM = _segment(_date_numbers(np.arange(_DAYS)), 8, _ID_WEIGHTS[6:14])
_SEQ_ASCII, _SEQ_SUM = _segment(np.arange(1000), 3, _ID_WEIGHTS[14:])


class PopulationGenerator:
    """Draws chunks of residents; keeps the sequence numbers used per county, date and sex."""

    def __init__(self, seed: int):
        self.seed = seed
        self.chunks = 0
        self.households = 0
        self.counties: dict[str, int] = {}
        self.used = np.zeros(0, dtype=np.int16)  # per (county, birth day, sex)
        self.county_ascii = np.zeros((0, 6), dtype=np.uint8)
        self.county_sum = np.zeros(0, dtype=np.int64)

    def _county_index(self, codes: list[str]) -> np.ndarray:
        for code in codes:
            if code not in self.counties:
                self.counties[code] = len(self.counties)
                self.used = np.concatenate([self.used, np.zeros(_DAYS * 2, dtype=np.int16)])
                ascii_, weighted = _segment(np.array([int(code)]), 6, _ID_WEIGHTS[:6])
                self.county_ascii = np.concatenate([self.county_ascii, ascii_])
                self.county_sum = np.concatenate([self.county_sum, weighted])
        return np.array([self.counties[c] for c in codes], dtype=np.int64)

    def make(self, cells: Sequence[Cell]) -> PersonChunk:
        rng = np.random.default_rng([self.seed, self.chunks])
        self.chunks += 1
        counts = np.array([c.persons for c in cells], dtype=np.int64)
        n = int(counts.sum())
        cell = np.repeat(np.arange(len(cells), dtype=np.int32), counts)
        head = self._households(rng, counts, n)
        household = np.cumsum(head) - 1 + self.households
        self.households += int(head.sum())
        age = self._ages(rng, head)
        male = rng.random(n) < MALE_SHARE
        offset = (age * 365.2425 + rng.random(n) * 365.2425).astype(np.int64)
        birth = REFERENCE_DATE - offset.astype("timedelta64[D]")
        county = self._county_index([c.county for c in cells])[cell]
        name = self._names(rng, male)
        minors = age < HEAD_MIN_AGE  # children carry the surname of their household's head
        name[minors, 0] = name[np.flatnonzero(head)[household - household[0]][minors], 0]
        return PersonChunk(
            grids=np.array([c.grid for c in cells]),
            cell=cell,
            household=household,
            head=head,
            male=male,
            birth=birth,
            id_number=self._id_numbers(county, offset, male),
            phone=self._phones(rng, age),
            name=name.view("<U3").ravel(),
        )

    @staticmethod
    def _households(rng: np.random.Generator, counts: np.ndarray, n: int) -> np.ndarray:
        """Flags of household heads: sizes drawn from the shares, never spanning two grids."""
        head = np.zeros(n, dtype=bool)
        sizes = rng.choice(HOUSEHOLD_SIZES, size=n // 2 + 16, p=HOUSEHOLD_SHARES)
        while sizes.sum() < n:  # practically never: n/2 draws average 1.3 n persons
            sizes = np.concatenate([sizes, rng.choice(HOUSEHOLD_SIZES, size=n, p=HOUSEHOLD_SHARES)])
        starts = np.cumsum(sizes)
        head[starts[starts < n]] = True
        head[np.concatenate([[0], np.cumsum(counts)[:-1]])] = True
        return head

    @staticmethod
    def _ages(rng: np.random.Generator, head: np.ndarray) -> np.ndarray:
        """Heads from the adult ages; the others from what makes the total match ``AGE_P``."""
        age = np.empty(len(head), dtype=np.int64)
        heads = int(head.sum())
        share = heads / len(head)
        others = np.clip(AGE_P - share * _HEAD_P, 0, None)
        age[head] = rng.choice(AGES, size=heads, p=_HEAD_P)
        if heads < len(head):
            age[~head] = rng.choice(AGES, size=len(head) - heads, p=others / others.sum())
        return age

    def _id_numbers(self, county, offset, male) -> np.ndarray:
        """Identity numbers; sequences continue per (county, birth date, sex) across chunks.

        The body is assembled from per-segment tables (county, date, sequence), each with its
        ASCII digits and its share of the GB 11643 weighted sum, so no digit is computed twice.
        """
        n = len(county)
        key = county * (_DAYS * 2) + offset * 2 + male
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        first = np.r_[True, ordered[1:] != ordered[:-1]]
        index = np.arange(n)
        rank = index - np.maximum.accumulate(np.where(first, index, 0)) + self.used[ordered]
        groups = np.flatnonzero(first)
        self.used[ordered[groups]] += np.diff(np.r_[groups, n]).astype(np.int16)
        sequence = np.empty(n, dtype=np.int64)
        sequence[order] = rank
        sequence = np.where(male, 2 * sequence + 1, 2 * sequence + 2)
        if n and sequence.max() > 999:
            raise OverflowError("more than 499 residents of one sex born on one day in a county")
        text = np.empty((n, 18), dtype=np.uint8)
        text[:, :6] = self.county_ascii[county]
        text[:, 6:14] = _DATE_ASCII[offset]
        text[:, 14:17] = _SEQ_ASCII[sequence]
        weighted = self.county_sum[county] + _DATE_SUM[offset] + _SEQ_SUM[sequence]
        text[:, 17] = _ID_CHECK[weighted % 11]
        return text.view("S18").ravel()

    @staticmethod
    def _phones(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
        """Mobile numbers of a random operator prefix; none for young children."""
        n = len(age)
        prefix = PHONE_PREFIXES[rng.integers(len(PHONE_PREFIXES), size=n)]
        number = prefix * 10**8 + rng.integers(10**8, size=n)
        text = (_digits(number, 11) + ord("0")).astype(np.uint8)
        text[age < PHONE_MIN_AGE] = 0
        return np.ascontiguousarray(text).view("S11").ravel()

    @staticmethod
    def _names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
        """(n, 3) characters: surname, one or two given-name characters ("" when one)."""
        n = len(male)
        chars = np.empty((n, 3), dtype="<U1")
        chars[:, 0] = _SURNAME_CHARS[rng.choice(len(_SURNAME_CHARS), size=n, p=_SURNAME_P)]
        for column in (1, 2):
            m = _GIVEN_MALE[rng.integers(len(_GIVEN_MALE), size=n)]
            f = _GIVEN_FEMALE[rng.integers(len(_GIVEN_FEMALE), size=n)]
            chars[:, column] = np.where(male, m, f)
        chars[rng.random(n) >= TWO_CHARACTER_GIVEN_NAMES, 2] = ""
        return chars


def iter_population(
    cells: Iterable[Cell], *, seed: int, chunk: int = 1_000_000
) -> Iterator[PersonChunk]:
    """Residents of ``cells`` in chunks of about ``chunk`` persons (whole grids per chunk).

    Deterministic for a given ``seed``, cell list and ``chunk``.
    """
    generator = PopulationGenerator(seed)
    batch: list[Cell] = []
    size = 0
    for c in cells:
        if c.persons <= 0:
            continue
        batch.append(c)
        size += c.persons
        if size >= chunk:
            yield generator.make(batch)
            batch, size = [], 0
    if batch:
        yield generator.make(batch)


def _buildings(grids: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """(id, address) of the residential buildings in each grid, in a stable order."""
    found: dict[str, list[tuple[int, str]]] = {}
    rows = Place.objects.filter(kind=PlaceKind.BUILDING, jurisdiction_id__in=list(grids))
    for pk, grid, address in rows.order_by("id").values_list("id", "jurisdiction_id", "address"):
        found.setdefault(grid, []).append((pk, address))
    return found


def load_population(cells: Sequence[Cell], *, seed: int, chunk: int = 20_000) -> dict[str, int]:
    """Write the households and residents of ``cells`` through bulk inserts, chunk by chunk.

    Each household lives in one of its grid's buildings (round robin, a room number where the
    building has flats). Identity numbers and phones are stored the way ``people`` stores them
    everywhere: Fernet ciphertext, keyed look-up hash and mask (``core.crypto``, decision 0031).
    Encrypting is most of the time. The bulk inserts are logged like any write (``core.audit``: one
    change-log row per row) unless the caller runs the load inside ``core.audit.loading``, which
    logs one entry per batch, as the demo's province does; the caller records one event. Call it
    inside a transaction so that a failure leaves nothing half-written.
    """
    cells = [c for c in cells if c.persons > 0]
    buildings = _buildings(c.grid for c in cells)
    missing = sorted({c.grid for c in cells} - set(buildings))
    if missing:
        raise ValueError(f"grids without a residential building: {', '.join(missing[:5])}")
    placed: dict[str, int] = {}
    totals = {"households": 0, "persons": 0}
    for block in iter_population(cells, seed=seed, chunk=chunk):
        heads = np.flatnonzero(block.head)
        grid_codes = block.grids.tolist()
        households = []
        for head in heads:
            grid = grid_codes[block.cell[head]]
            k = placed[grid] = placed.get(grid, -1) + 1
            place, address = buildings[grid][k % len(buildings[grid])]
            room = k // len(buildings[grid])
            if address.endswith("号楼"):
                address += f"{room // 4 + 1}0{room % 4 + 1}室"
            households.append(Household(place_id=place, jurisdiction_id=grid, address=address))
        Household.objects.bulk_create(households, batch_size=2000)
        household_ids = np.array([h.pk for h in households], dtype=np.int64)
        member_of = household_ids[block.household - block.household[0]]
        persons = []
        columns = (block.name, block.male, block.birth, block.id_number, block.phone, block.cell)
        for i, (name, male, birth, id_raw, phone_raw, cell) in enumerate(
            zip(*(column.tolist() for column in columns), strict=True)
        ):
            person = Person(
                name=name,
                sex=Sex.MALE if male else Sex.FEMALE,
                birth_date=birth,
                household_id=int(member_of[i]),
                jurisdiction_id=grid_codes[cell],
            )
            person.set_id_number(id_raw.decode())
            person.set_phone(phone_raw.decode())
            persons.append(person)
        Person.objects.bulk_create(persons, batch_size=2000)
        totals["households"] += len(households)
        totals["persons"] += len(persons)
    return totals
