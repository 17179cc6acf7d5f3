"""``pingji rotate_field_key``: re-encrypt personal data under the current field key.

The procedure (docs/decisions/0034-perimeter.md, README "Production"):

1. ``pingji rotate_field_key --show-hash-key`` and set its output as ``PINGJI_HASH_KEY``: the
   look-up hashes (persons' and the check-in store's) then stay valid whatever the field key.
2. Set the new key as ``PINGJI_FIELD_KEY`` and the old one in ``PINGJI_FIELD_KEYS_OLD``.
3. ``pingji rotate_field_key``: every person's ciphertexts are re-encrypted under the new key and
   their look-up hashes recomputed from the plaintext, in batches, each batch in a transaction.
   A run that stops can be run again: it re-encrypts what is already new harmlessly.
4. Remove ``PINGJI_FIELD_KEYS_OLD``.

Skipping step 1 also changes the look-up key: persons are rehashed here, but check-ins already in
the analytic store keep hashes of the old key and no longer match (they hold no plaintext to
rehash from).

The command is people's, the app whose rows hold the ciphertexts, so that users (below people)
imports nothing of it.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from pingji.core import crypto
from pingji.people.models import Person

BATCH = 1000


def rotate_persons(batch: int = BATCH) -> int:
    """Re-encrypt and rehash every person's identity number and phone; how many were rewritten."""
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                Person.objects.filter(pk__gt=last)
                .order_by("pk")
                .only("pk", "id_number_cipher", "id_number_hash", "phone_cipher", "phone_hash")
                .select_for_update()[:batch]
            )
            if not rows:
                return done
            for person in rows:
                _rotate(person)
            # logged like any update (core.audit); the values are the same, only their keys changed
            Person.objects.bulk_update(
                rows, ["id_number_cipher", "id_number_hash", "phone_cipher", "phone_hash"]
            )
        done += len(rows)
        last = rows[-1].pk


def _rotate(person: Person) -> None:
    if person.id_number_cipher:
        person.id_number_cipher = crypto.reencrypt(person.id_number_cipher)
        person.id_number_hash = crypto.lookup_hash(crypto.decrypt(person.id_number_cipher))
    if person.phone_cipher:
        person.phone_cipher = crypto.reencrypt(person.phone_cipher)
        person.phone_hash = crypto.lookup_hash(crypto.decrypt(person.phone_cipher))


class Command(BaseCommand):
    help = "Re-encrypt personal data under PINGJI_FIELD_KEY (old keys in PINGJI_FIELD_KEYS_OLD)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--show-hash-key",
            action="store_true",
            help="print the look-up key in use (set it as PINGJI_HASH_KEY before rotating)",
        )
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args, show_hash_key=False, batch=BATCH, **options):
        if show_hash_key:
            self.stdout.write(crypto.current_hash_key_hex())
            return
        count = rotate_persons(max(batch, 1))
        self.stdout.write(f"re-encrypted {count} persons under the current field key")
