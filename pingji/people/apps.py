from urllib.parse import urlencode

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "pingji.people"
    label = "people"
    verbose_name = _("People")
    nav = ((_("People"), "people:person_list", None, "data"),)

    def ready(self) -> None:
        from pingji.core import personal_data as pd

        from .models import Household, Person

        pd.register(
            Person,
            name=pd.Kind.NAME,
            birth_date=pd.Kind.BIRTH_DATE,
            id_number_masked=pd.Kind.ID_NUMBER,
            phone_masked=pd.Kind.PHONE,
        )
        pd.register(Household, address=pd.Kind.ADDRESS)
        # the pages and endpoints that show a person; the reconstruction test reads them all
        pd.register_surface("people.person_detail", lambda p: p.get_absolute_url())
        pd.register_surface("people.person_update", lambda p: f"/people/persons/{p.pk}/edit/")
        pd.register_surface(
            "people.household_detail",
            lambda p: p.household.get_absolute_url() if p.household else None,
        )
        pd.register_surface(
            "people.person_list",
            lambda p: f"/people/?household={p.household_id}" if p.household_id else None,
        )
        pd.register_surface("people.api.person_detail", lambda p: f"/api/people/persons/{p.pk}/")
        pd.register_surface(
            "people.api.person_list",
            lambda p: (
                f"/api/people/persons/?household={p.household_id}" if p.household_id else None
            ),
        )
        pd.register_surface(
            "people.api.pick", lambda p: f"/api/people/pick/persons/?{urlencode({'q': p.name})}"
        )
        pd.register_surface(
            "core.api.object_changes",
            lambda p: f"/api/core/object-changes/?object_type=person&object_id={p.pk}",
        )
        pd.register_surface(
            "core.api.domain_events", lambda p: f"/api/core/domain-events/?object_id={p.pk}"
        )
