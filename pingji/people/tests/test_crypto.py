"""Identity data at rest: ciphertext, keyed look-up hashes (core.crypto), nothing plain logged."""

import json

from pingji.core import crypto
from pingji.core.models import ObjectChange
from pingji.people.actions.persons import do_create_person
from pingji.people.models import Person

NUMBER = "11010519491231002X"


def test_encryption_round_trips_and_never_repeats_a_ciphertext():
    first, second = crypto.encrypt(NUMBER), crypto.encrypt(NUMBER)
    assert first != second  # a fresh IV each time: equal numbers are not equal ciphertexts
    assert NUMBER.encode() not in first
    assert crypto.decrypt(first) == crypto.decrypt(memoryview(second)) == NUMBER


def test_the_lookup_hash_is_stable_and_keyed(settings):
    stable = crypto.lookup_hash(NUMBER)
    assert crypto.lookup_hash(NUMBER) == stable == crypto.lookup_hash(f" {NUMBER.lower()} ")
    assert crypto.lookup_hash("110105194912310029") != stable
    settings.FIELD_ENCRYPTION_KEY = "another-deployment"
    assert crypto.lookup_hash(NUMBER) != stable  # a stolen hash is useless without the key


def test_a_registered_person_is_stored_without_plain_identity_data(household, county_user):
    # when a person is registered with a number and a phone
    person = do_create_person(
        actor=county_user, name="林一", id_number=NUMBER, phone="13912345678", household=household
    )
    # then the row holds ciphertext, hash and mask only
    row = Person.objects.filter(pk=person.pk).values().get()
    flat = json.dumps({k: v for k, v in row.items() if not k.endswith("_cipher")}, default=str)
    assert NUMBER not in flat and "13912345678" not in flat
    assert row["id_number_masked"] == "110105***********X"
    assert row["phone_masked"] == "139****5678"
    assert crypto.decrypt(row["id_number_cipher"]) == NUMBER
    # and the change log keeps neither the plain values nor the ciphertext
    logged = ObjectChange.objects.get(object_id=str(person.pk), content_type__model="person")
    assert "id_number_cipher" not in logged.after and "phone_cipher" not in logged.after
    assert NUMBER not in json.dumps(logged.after) and "13912345678" not in json.dumps(logged.after)
    # nor the keyed hashes, nor a birth date finer than the year (decision 0031)
    assert not [k for k in logged.after if k.endswith("_hash")]
    assert logged.after["birth_date"] == NUMBER[6:10]
    assert logged.after["id_number_masked"] == row["id_number_masked"]
