"""Decision 0041: supply categories for the reserves of every disease (larvicides, sprayers)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('resources', '0002_reserve_read_model'),
    ]

    operations = [
        migrations.AlterField(
            model_name='supplyitem',
            name='category',
            field=models.CharField(choices=[('masks', 'masks'), ('protective_suits', 'protective suits'), ('test_kits', 'test kits and reagents'), ('swabs', 'sampling swabs and tubes'), ('disinfectant', 'disinfectant'), ('antivirals', 'antivirals and medicines'), ('larvicide', 'larvicides and insecticides'), ('sprayers', 'sprayers and fogging machines'), ('other', 'other supplies')], max_length=20, verbose_name='category'),
        ),
    ]
