"""Load the disease packs, give every existing version (all of them COVID-19's) its disease, and
load the national versions of every disease (idempotent; decision 0041)."""

from django.db import migrations

COVID_19 = "covid-19"


def load(apps, schema_editor):
    from pingji.protocols.loading import load_national, load_packs

    Disease = apps.get_model("protocols", "Disease")
    Protocol = apps.get_model("protocols", "Protocol")
    load_packs(Disease, update=False)
    Protocol.objects.filter(disease__isnull=True).update(disease_id=COVID_19)
    load_national(Protocol, Disease, update=False)


class Migration(migrations.Migration):
    dependencies = [("protocols", "0003_diseases")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
