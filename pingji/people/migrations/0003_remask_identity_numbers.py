"""Re-mask stored identity numbers and scrub person snapshots in the change log (decision 0031).

The old mask kept characters 15-18 (serial + check), which with the region and the birth date
shown beside it gave the whole number. The new mask is recomputed from the ciphertext; the change
log's person snapshots get the new mask, the birth year only, and lose the keyed look-up hashes.
"""

from django.db import migrations

from pingji.core.personal_data import Kind, for_audit, mask_id_number

BATCH = 2000
PERSON_FIELDS = {
    "birth_date": Kind.BIRTH_DATE,
    "id_number_masked": Kind.ID_NUMBER,
    "phone_masked": Kind.PHONE,
}


def remask_persons(apps, schema_editor):
    from pingji.core.crypto import decrypt

    Person = apps.get_model("people", "Person")
    rows = Person.objects.exclude(id_number_cipher=None).only("pk", "id_number_cipher")
    batch = []
    for person in rows.iterator(chunk_size=BATCH):
        person.id_number_masked = mask_id_number(decrypt(person.id_number_cipher))
        batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["id_number_masked"])
            batch = []
    Person.objects.bulk_update(batch, ["id_number_masked"])


def _scrubbed(data):
    if not data:
        return data
    kept = {k: v for k, v in data.items() if not k.endswith("_hash")}
    for field, kind in PERSON_FIELDS.items():
        if kept.get(field):
            value = kept[field]
            # an old mask "350322********1234" becomes region + stars + check character
            if kind == Kind.ID_NUMBER:
                value = mask_id_number(value[:6] + value[-1])
            kept[field] = for_audit(kind, value)
    return kept


def scrub_change_log(apps, schema_editor):
    ObjectChange = apps.get_model("core", "ObjectChange")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label="people", model="person").first()
    if kind is None:
        return
    batch = []
    for change in ObjectChange.objects.filter(content_type=kind).iterator(chunk_size=BATCH):
        change.before, change.after = _scrubbed(change.before), _scrubbed(change.after)
        batch.append(change)
        if len(batch) >= BATCH:
            ObjectChange.objects.bulk_update(batch, ["before", "after"])
            batch = []
    ObjectChange.objects.bulk_update(batch, ["before", "after"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_person_full_name"),
        ("core", "0003_job_worker"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(remask_persons, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(scrub_change_log, migrations.RunPython.noop, elidable=True),
    ]
