"""Rotating the personal-data key: `pingji rotate_field_key` (docs/decisions/0034-perimeter.md)."""

import io

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command

from pingji.core import crypto
from pingji.people.models import Person
from pingji.people.tests.factories import PersonFactory, id_number_for, phone_for

OLD, NEW = "the-old-field-key", "the-new-field-key"


@pytest.fixture
def keys(settings):
    """Set the keys the way the environment would, and forget keys derived from earlier ones."""

    def use(current: str, old: list[str] | None = None, pinned: str = "") -> None:
        settings.FIELD_ENCRYPTION_KEY = current
        settings.FIELD_ENCRYPTION_KEYS_OLD = old or []
        settings.FIELD_HASH_KEY = pinned
        crypto.clear_key_caches()

    yield use
    crypto.clear_key_caches()


@pytest.fixture
def persons(keys, tree):
    keys(OLD)
    grid = tree["350322100001001"]
    return [
        PersonFactory(jurisdiction=grid, id_number=id_number_for(n), phone=phone_for(n))
        for n in range(5)
    ] + [PersonFactory(jurisdiction=grid, id_number=None, phone=None)]


def run(*args: str) -> str:
    """The command's output (its own stream: capsys depends on what earlier tests did to sys)."""
    out = io.StringIO()
    call_command("rotate_field_key", *args, stdout=out)
    return out.getvalue().strip()


def test_after_rotation_without_the_old_key_persons_are_found_and_decrypt(keys, persons):
    # given the new key in place and the old one still accepted
    keys(NEW, old=[OLD])
    assert Person.objects.with_id_number(id_number_for(3)).count() == 0  # old hashes: no match yet
    assert persons[3].reveal()["id_number"] == id_number_for(3)  # old ciphertext still decrypts

    # when the rotation runs in small batches
    assert "re-encrypted 6 persons" in run("--batch", "2")

    # then, with the old key gone, every person is found by hash and decrypts
    keys(NEW)
    for n in range(5):
        found = Person.objects.with_id_number(id_number_for(n)).get()
        assert found.reveal() == {"id_number": id_number_for(n), "phone": phone_for(n)}
        assert Person.objects.with_phone(phone_for(n)).get() == found
    blank = Person.objects.get(pk=persons[-1].pk)
    assert blank.id_number_cipher is None and blank.reveal()["id_number"] == ""
    # and the old key alone decrypts nothing any more
    keys(OLD)
    with pytest.raises(InvalidToken):
        Person.objects.get(pk=persons[0].pk).reveal()


def test_a_pinned_hash_key_keeps_every_lookup_hash(keys, persons):
    keys(OLD)
    pinned = run("--show-hash-key")
    assert len(pinned) == 64
    before = dict(Person.objects.values_list("pk", "id_number_hash"))

    keys(NEW, old=[OLD], pinned=pinned)
    run()
    keys(NEW, pinned=pinned)

    # the hashes (and so the check-in store's) are unchanged; the ciphertexts are the new key's
    assert dict(Person.objects.values_list("pk", "id_number_hash")) == before
    assert Person.objects.with_id_number(id_number_for(1)).get().reveal()["phone"] == phone_for(1)
