from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SiteKind(models.TextChoices):
    FEVER_CLINIC = "fever_clinic", _("fever clinic")
    PHARMACY = "pharmacy", _("pharmacy")
    SENTINEL = "sentinel", _("sentinel site")


class Signal(models.TextChoices):
    FEVER_VISITS = "fever_visits", _("fever clinic visits")
    FEVER_DRUG_SALES = "fever_drug_sales", _("sales of fever and cough medicines")
    ILI_VISITS = "ili_visits", _("influenza-like illness visits")
    SARI_ADMISSIONS = "sari_admissions", _("severe acute respiratory infection admissions")
    DENGUE_CASES = "dengue_cases", _("dengue cases")
    DIARRHOEA_VISITS = "diarrhoea_visits", _("acute diarrhoea visits")
    HFMD_CASES = "hfmd_cases", _("hand, foot and mouth disease cases")


class WarningMethod(models.TextChoices):
    """How a rule judges a county's day (``early_warning``; statistics in ``epi.aberration``)."""

    LIMITS = "limits", _("historical limits: the same weekday of past weeks")
    EARS_C1 = "ears_c1", _("EARS C1: the 7 days before")
    EARS_C2 = "ears_c2", _("EARS C2: 7 days, 2 days back")
    EARS_C3 = "ears_c3", _("EARS C3: C2 over the last 3 days")
    CUSUM = "cusum", _("CUSUM of the last 7 days over the 28 before")
    FARRINGTON = "farrington", _("Farrington flexible: the same weeks of past years")


class ReportSource(models.TextChoices):
    FORM = "form", _("form")
    API = "api", _("API")
    UPLOAD = "upload", _("upload")


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert status", "open")
    SWITCHED = "switched", _("led to emergency mode")
    DISMISSED = "dismissed", _("dismissed")


class DrillKind(models.TextChoices):
    TABLETOP = "tabletop", _("tabletop exercise")
    FUNCTIONAL = "functional", _("functional drill")
    FULL = "full", _("full-scale drill")


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    FINISHED = "finished", _("finished")
    REMOVED = "removed", _("finished, drill data removed")


class DrillStep(models.TextChoices):
    """The key steps of the real workflow a drill times, in the order they happen."""

    CASE_REPORTED = "case_reported", _("case reported")
    INVESTIGATION_OPENED = "investigation_opened", _("investigation opened")
    CORE_FACTS = "core_facts", _("core facts of the investigation")
    FULL_REPORT = "full_report", _("full investigation report")
    DISPATCH = "dispatch", _("contacts dispatched (协查)")
    CONTROLLED = "controlled", _("dispatched contact located and controlled")
    QUARANTINE = "quarantine", _("first contact in quarantine")
    AREA = "area", _("risk area designated")
