"""Related rows are scoped by structure, not by each serializer and form remembering to.

Every serializer of the API derives from the scoped bases (``core.api.serializers``), which narrow
each writable relation to a scoped model to what the caller sees; every form fills its model
choices through ``core.forms.set_choices``, which refuses rows that were not narrowed. These tests
walk the whole package, so a new serializer or form that skips the rule fails here.
"""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.test import APIRequestFactory

import pingji
from pingji.core.access import colleagues
from pingji.core.api.serializers import (
    ColleagueField,
    ScopedModelSerializer,
    ScopedSerializer,
    UnscopedRelatedField,
)
from pingji.core.forms import limit_choices, set_choices
from pingji.geo.models import Jurisdiction

PACKAGE = Path(pingji.__file__).parent

#: Relations that reach outside the caller's area on purpose, and why; adding one is a review.
REACHING_BEYOND = {
    ("DispatchSerializer", "to_jurisdiction"): "a hand-over goes to another county",
    ("DrillSerializer", "partner"): "a joint drill's partner is another jurisdiction",
}


def _modules(part: str):
    for info in pkgutil.walk_packages([str(PACKAGE)], "pingji."):
        if f".{part}" in info.name and ".tests" not in info.name and ".migrations" not in info.name:
            yield importlib.import_module(info.name)


def _serializers():
    found = {}
    for module in _modules("api"):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls in (ScopedSerializer, ScopedModelSerializer):
                continue  # the bases themselves
            if issubclass(cls, serializers.ListSerializer):
                continue  # a list of its child, which is checked itself; it has no fields
            if issubclass(cls, serializers.BaseSerializer) and cls.__module__.startswith("pingji"):
                found[cls.__qualname__] = cls
    return sorted(found.items())


def _relations(serializer):
    for name, field in serializer.fields.items():
        relation = field.child_relation if isinstance(field, ManyRelatedField) else field
        if isinstance(relation, RelatedField) and not relation.read_only:
            yield name, relation


def test_the_package_has_serializers_to_check():
    assert len(_serializers()) > 100


@pytest.mark.parametrize(("name", "cls"), _serializers(), ids=lambda v: getattr(v, "__name__", v))
def test_every_serializer_derives_from_a_scoped_base(name, cls):
    assert issubclass(cls, ScopedSerializer | ScopedModelSerializer), name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "cls"), _serializers(), ids=lambda v: getattr(v, "__name__", v))
def test_a_caller_without_an_area_can_name_no_related_row(name, cls):
    """For a caller who sees nothing, every writable relation is empty, unless it is declared to
    reach beyond the caller's area."""
    request = APIRequestFactory().post("/")
    request.user = AnonymousUser()
    serializer = cls(context={"request": request})
    for field, relation in _relations(serializer):
        if isinstance(relation, UnscopedRelatedField):
            assert (name, field) in REACHING_BEYOND, f"{name}.{field} reaches beyond: say why"
            continue
        queryset = relation.get_queryset()
        if hasattr(queryset, "restrict") or isinstance(relation, ColleagueField):
            assert queryset.query.is_empty(), f"{name}.{field} is not scoped to the caller"


@pytest.mark.django_db
def test_a_relation_reaches_what_the_caller_sees_and_no_more(tree, county_user):
    class Probe(ScopedSerializer):
        jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    request = APIRequestFactory().post("/")
    request.user = county_user
    field = Probe(context={"request": request}).fields["jurisdiction"]
    seen = set(field.get_queryset().values_list("code", flat=True))
    assert county_user.jurisdiction_id in seen
    assert all(code.startswith(county_user.jurisdiction_id) for code in seen)
    assert Jurisdiction.objects.exclude(code__in=seen).exists()  # there was more to refuse


def _form_classes():
    found = {}
    for module in [*_modules("forms"), *_modules("views")]:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__.startswith("pingji"):
                found[cls.__qualname__] = cls
    return sorted(found.items())


@pytest.mark.parametrize(("name", "cls"), _form_classes(), ids=lambda v: getattr(v, "__name__", v))
def test_a_form_declares_scoped_choices_empty(name, cls):
    """A scoped model's choices are empty until the form fills them for its user."""
    for field_name, field in cls.base_fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "restrict"):
            assert queryset.query.is_empty(), f"{name}.{field_name} lists rows before the user"


def test_no_form_or_view_assigns_choices_but_through_set_choices():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or path.name == "forms.py" and path.parent.name == "core":
            continue
        if not ("forms" in path.stem or "views" in path.stem or "views" in path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr == "queryset":
                        offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, offenders


@pytest.mark.django_db
def test_set_choices_refuses_rows_not_narrowed_to_the_user(tree, county_user):
    field = forms.ModelChoiceField(queryset=Jurisdiction.objects.none())
    with pytest.raises(ImproperlyConfigured):
        set_choices(field, Jurisdiction.objects.all())
    with pytest.raises(ImproperlyConfigured):
        limit_choices(field, Jurisdiction.objects.filter(level="county"))
    set_choices(field, Jurisdiction.objects.restrict(county_user).filter(level="county"))
    set_choices(field, Jurisdiction.objects.all().beyond_scope("a test of the declaration"))
    set_choices(field, colleagues(county_user).filter(role="operator"))
