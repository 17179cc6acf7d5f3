from urllib.parse import urlencode

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "pingji.cases"
    label = "cases"
    verbose_name = _("Cases")
    nav = ((_("Cases"), "cases:case_list", "cases.view_case", "response"),)

    def ready(self) -> None:
        from pingji.core import personal_data

        from . import imports  # noqa: F401 — registers the "cases.import_line_list" job
        from .models import Case

        def case_url(api: bool):
            def url_for(person):
                case = Case.objects.filter(person=person).order_by("pk").first()
                if case is None:
                    return None
                return f"/api/cases/cases/{case.pk}/" if api else case.get_absolute_url()

            return url_for

        personal_data.register_surface("cases.case_detail", case_url(api=False))
        personal_data.register_surface("cases.api.case_detail", case_url(api=True))
        # the case picker labels a case with its person's name: read like every other surface
        personal_data.register_surface(
            "cases.api.pick", lambda p: f"/api/people/pick/cases/?{urlencode({'q': p.name})}"
        )
