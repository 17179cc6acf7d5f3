"""No write skips the change log: the writes Django runs without signals are logged too.

``save()`` and ``delete()`` are logged by signals; ``update()``, ``bulk_update()`` and
``bulk_create()`` by ``core.audit.AuditedQuerySet``, which every audited model's manager must use.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

import pingji
from pingji.core import audit
from pingji.core.audit import AuditedQuerySet, is_audited, loading
from pingji.core.choices import ChangeAction
from pingji.core.models import ObjectChange
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

GRID = "350322100001001"


def _audited_models():
    return sorted(
        (m for m in apps.get_models() if is_audited(m)), key=lambda m: m._meta.label_lower
    )


def test_there_are_models_to_hold():
    assert len(_audited_models()) > 40


@pytest.mark.parametrize("model", _audited_models(), ids=lambda m: m._meta.label_lower)
def test_every_manager_of_an_audited_model_logs_bulk_writes(model):
    for manager in model._meta.managers:
        assert isinstance(manager.get_queryset(), AuditedQuerySet), (
            f"{model._meta.label}.{manager.name} writes update()/bulk_create() unlogged"
        )


def _log(obj_or_model, **kwargs):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False), **kwargs
    )


@pytest.mark.django_db
def test_update_logs_each_row_with_what_it_was_and_became(tree):
    county = tree["350322"]
    grids = Jurisdiction.objects.filter(code__startswith=county.code, level="grid")
    names = dict(grids.values_list("code", "name"))
    assert names
    before = _log(Jurisdiction, action=ChangeAction.UPDATE).count()

    assert grids.update(name="改名") == len(names)

    logged = _log(Jurisdiction, action=ChangeAction.UPDATE).order_by("id")[before:]
    assert {row.object_id: row.before["name"] for row in logged} == names
    assert {row.after["name"] for row in logged} == {"改名"}
    assert {row.jurisdiction_code for row in logged} == set(names)


@pytest.mark.django_db
def test_an_update_that_changes_nothing_logs_nothing(tree):
    county = tree["350322"]
    before = _log(Jurisdiction).count()
    Jurisdiction.objects.filter(code=county.code).update(name=county.name)
    assert _log(Jurisdiction).count() == before


@pytest.mark.django_db
def test_bulk_update_logs_each_row(tree):
    rows = list(Jurisdiction.objects.filter(level="grid")[:2])
    for row in rows:
        row.name = row.name + "·"
    before = _log(Jurisdiction, action=ChangeAction.UPDATE).count()
    Jurisdiction.objects.bulk_update(rows, ["name"])
    logged = _log(Jurisdiction, action=ChangeAction.UPDATE).order_by("id")[before:]
    assert sorted(r.object_id for r in logged) == sorted(r.code for r in rows)


@pytest.mark.django_db
def test_bulk_create_logs_each_row_as_a_save_would(tree):
    county = tree["350322"]
    made = Jurisdiction.objects.bulk_create([_township(county, n) for n in range(3)])
    logged = _log(Jurisdiction, action=ChangeAction.CREATE, object_id__in=[j.code for j in made])
    assert {row.object_id: row.after["name"] for row in logged} == {j.code: j.name for j in made}
    assert {row.jurisdiction_code for row in logged} == {j.code for j in made}


@pytest.mark.django_db
def test_a_load_logs_each_batch_once_with_its_rows(tree):
    county = tree["350322"]
    with loading("a register of townships"):
        made = Jurisdiction.objects.bulk_create([_township(county, n) for n in range(3)])
    load = _log(Jurisdiction, action=ChangeAction.CREATE, object_id="").get()
    assert load.after["rows"] == len(made) == 3
    assert load.after["load"] == "a register of townships"
    assert load.jurisdiction_code.startswith(county.code)
    assert not _log(Jurisdiction, object_id__in=[j.code for j in made]).exists()


def _township(county, n: int) -> Jurisdiction:
    return Jurisdiction(
        code=f"{county.code}9{n:02d}", name=f"新{n}", level="township", parent=county
    )


@pytest.mark.django_db
def test_an_update_inside_a_load_logs_the_statement_once(tree):
    before = _log(Jurisdiction).count()
    with loading("a renaming of grids"):
        count = Jurisdiction.objects.filter(level="grid").update(name="网格")
    load = _log(Jurisdiction).order_by("id")[before:]
    assert [(row.action, row.after["rows"], row.after["set"]) for row in load] == [
        (ChangeAction.UPDATE, count, ["name"])
    ]


#: Modules that write in SQL for speed into models the change log does not keep (read models,
#: ``audited = False``): the module, and the models it writes.
SQL_INTO_READ_MODELS = {
    "analytics/actions/series.py": ["analytics.DailyIndicator", "analytics.RtEstimate"],
    "areas/actions/evaluations.py": ["areas.Evaluation"],
    "resources/actions/ledger.py": ["resources.StockLevel"],
}
WRITES_SQL = re.compile(r"INSERT INTO|UPDATE (?:[a-z_]+|\{\}) SET|DELETE FROM|_raw_delete\(")


def test_every_module_that_writes_sql_logs_its_statements_or_writes_read_models():
    root = Path(pingji.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text, name = path.read_text(), str(path.relative_to(root))
        if not WRITES_SQL.search(text) or "log_statement(" in text:
            continue
        if name not in SQL_INTO_READ_MODELS:
            offenders.append(name)
    assert not offenders, f"write SQL without core.audit.log_statement: {offenders}"
    for name, labels in SQL_INTO_READ_MODELS.items():
        assert WRITES_SQL.search((root / name).read_text()), f"{name} no longer writes SQL"
        assert not any(is_audited(apps.get_model(label)) for label in labels), name


@pytest.mark.django_db
def test_an_update_keeps_secret_fields_out_of_the_log(tree):
    person = PersonFactory.create(household=HouseholdFactory.create(jurisdiction=tree[GRID]))
    rows = Person.objects.filter(pk=person.pk)
    before = _log(Person).count()

    rows.update(id_number_cipher=b"another ciphertext")  # only a secret field: nothing to log
    assert _log(Person).count() == before

    rows.update(id_number_cipher=b"yet another", name="改名")
    logged = _log(Person).order_by("id").last()
    assert logged.after == {"name": "改名"} and "id_number_cipher" not in logged.before


@pytest.mark.django_db
def test_a_bulk_create_larger_than_a_batch_of_reports_is_logged_as_a_load(tree, monkeypatch):
    monkeypatch.setattr(audit, "LOAD_ROWS", 2)
    made = Jurisdiction.objects.bulk_create([_township(tree["350322"], n) for n in range(3)])
    load = _log(Jurisdiction, action=ChangeAction.CREATE, object_id="").get()
    assert load.after["rows"] == len(made) == 3
    assert not _log(Jurisdiction, object_id__in=[j.code for j in made]).exists()
