"""Once loaded the four national COVID-19 versions; since versions belong to a disease
(decision 0041) ``0004_disease_packs`` loads every pack and version, so this step does nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
