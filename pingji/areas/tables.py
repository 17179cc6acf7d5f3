from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class RiskAreaTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("level", _("level")),
        Column("status", _("status")),
        Column("jurisdiction.name", _("deciding jurisdiction")),
        Column("legal_basis", _("legal basis (order number)")),
        Column("effective_from", _("in force from")),
        Column("level_since", _("at this level since")),
        Column("lifted_at", _("lifted at")),
    )


class TransitionTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("area.name", _("risk area")),
        Column("kind", _("kind")),
        Column("from_level", _("from level")),
        Column("to_level", _("to level")),
        Column("status", _("status")),
        Column("override", _("override")),
        Column("effective_at", _("takes effect at")),
    )


class EvaluationTable(Table):
    columns = (
        Column("area.name", _("risk area")),
        Column("day", _("day")),
        Column("level", _("level")),
        Column("verdict", _("verdict")),
        Column("to_level", _("next level")),
        Column("earliest_on", _("earliest possible date")),
        Column("eligible_since", _("eligible since")),
        Column("last_infection_on", _("last new infection")),
    )


class PublicationTable(Table):
    columns = (
        Column("number", _("number"), link=True),
        Column("jurisdiction.name", _("publishing jurisdiction")),
        Column("published_at", _("published at")),
        Column("note", _("note")),
    )


class CheckpointTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("kind", _("kind")),
        Column("status", _("status")),
        Column("rules", _("rules enforced")),
        Column("since", _("status since")),
        Column("jurisdiction.name", _("jurisdiction")),
    )


class MeasureTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("kind", _("kind")),
        Column("setting_text", _("setting")),
        Column("status", _("status")),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("legal_basis", _("legal basis (order number)")),
        Column("effective_from", _("in force from")),
        Column("setting_since", _("at this setting since")),
    )


class MeasureChangeTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("measure", _("measure")),
        Column("kind", _("change")),
        Column("to_setting_text", _("to setting")),
        Column("status", _("status")),
        Column("effective_at", _("takes effect at")),
    )
