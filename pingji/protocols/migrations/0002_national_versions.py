"""Load the four national versions shipped in ``pingji/protocols/data`` (idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from pingji.protocols.loading import load_national

    load_national(apps.get_model("protocols", "Protocol"), update=False)


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
