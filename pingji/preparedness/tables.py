from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class SiteTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("kind", _("kind")),
        Column("signal", _("signal")),
        Column("jurisdiction.name", _("jurisdiction")),
    )


class AlertTable(Table):
    columns = (
        Column("day", _("day"), link=True),
        Column("jurisdiction.name", _("county")),
        Column("rule.signal", _("signal")),
        Column("value", _("count")),
        Column("baseline", _("baseline")),
        Column("status", _("status")),
    )


class CourseTable(Table):
    columns = (
        Column("title", _("title"), link=True),
        Column("role", _("for role")),
        Column("held_on", _("held on")),
        Column("jurisdiction.name", _("jurisdiction")),
    )


class DrillTable(Table):
    columns = (
        Column("title", _("title"), link=True),
        Column("kind", _("kind")),
        Column("status", _("status")),
        Column("planned_for", _("planned for")),
        Column("score", _("score")),
        Column("jurisdiction.name", _("county")),
    )


class RuleTable(Table):
    columns = (
        Column("signal", _("signal"), link=True),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("method", _("method")),
        Column("baseline_weeks", _("baseline weeks")),
        Column("ratio", _("ratio over baseline")),
        Column("min_increase", _("minimum increase")),
        Column("active", _("active")),
    )
