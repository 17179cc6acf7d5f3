"""The vocabulary of the rules schema: every key a protocol's JSON may use, with its label.

Other domains ask for rules by these keys (``rules.regime(p, RegimeCategory.CLOSE_CONTACT)``), so
a key is renamed only together with every data file and migration that holds it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagementRegime(models.TextChoices):
    """The legal footing: COVID-19 was a class B disease managed as class A until 2023-01-08, then
    class B; influenza, hand, foot and mouth disease and other infectious diarrhoea are class C."""

    CLASS_B_MANAGED_AS_A = "class_b_managed_as_a", _("class B disease managed as class A")
    CLASS_B = "class_b", _("class B management")
    CLASS_C = "class_c", _("class C management")


class ContactTier(models.TextChoices):
    CLOSE_CONTACT = "close_contact", _("close contact")
    SECONDARY_CONTACT = "secondary_contact", _("secondary contact")
    SPATIOTEMPORAL_COMPANION = "spatiotemporal_companion", _("spatiotemporal companion")


class LookbackAnchor(models.TextChoices):
    """Where the look-back window starts: onset for symptomatic cases, sampling otherwise."""

    ONSET_OR_SAMPLING = "onset_or_sampling", _("symptom onset, or sampling if asymptomatic")


class RegimeCategory(models.TextChoices):
    """The groups of people a protocol puts under quarantine or monitoring."""

    CLOSE_CONTACT = "close_contact", _("close contact")
    SECONDARY_CONTACT = "secondary_contact", _("secondary contact")
    SPATIOTEMPORAL_COMPANION = "spatiotemporal_companion", _("spatiotemporal companion")
    SEALED_AREA_RESIDENT = "sealed_area_resident", _("resident of a sealed area")
    CONTROLLED_AREA_RESIDENT = "controlled_area_resident", _("resident of a controlled area")
    HIGH_RISK_AREA_RESIDENT = "high_risk_area_resident", _("resident of a high-risk area")
    HIGH_RISK_AREA_LEAVER = "high_risk_area_leaver", _("person leaving a high-risk area")
    MEDIUM_RISK_AREA_LEAVER = "medium_risk_area_leaver", _("person leaving a medium-risk area")


class CountedFrom(models.TextChoices):
    LAST_EXPOSURE = "last_exposure", _("last exposure")
    ARRIVAL = "arrival", _("arrival")


class ReleaseTest(models.TextChoices):
    NONE = "none", _("no extra test at release")
    DOUBLE_SAMPLING = "double_sampling", _("two samples tested by two laboratories")


class RiskLevel(models.TextChoices):
    """Risk area levels: 封控/管控/防范 of the 8th edition era, then high/medium/low."""

    SEALED = "sealed", _("sealed area (封控区)")
    CONTROLLED = "controlled", _("controlled area (管控区)")
    PRECAUTION = "precaution", _("precaution area (防范区)")
    HIGH = "high", _("high-risk area")
    MEDIUM = "medium", _("medium-risk area")
    LOW = "low", _("low-risk area")


class TestingScope(models.TextChoices):
    CITY = "city", _("whole city")
    DELINEATED_AREA = "delineated_area", _("delineated area")


class PoolingSetting(models.TextChoices):
    QUARANTINE_SITE = "quarantine_site", _("quarantine site")
    SEALED_AREA = "sealed_area", _("sealed area")
    HIGH_RISK_AREA = "high_risk_area", _("high-risk area")
    GENERAL = "general", _("elsewhere")


class PoolingMode(models.TextChoices):
    SINGLE = "single", _("single tube per person")
    HOUSEHOLD = "household", _("one tube per household")
    POOLED = "pooled", _("pooled samples")


class LiftingScope(models.TextChoices):
    COUNTY = "county", _("the county")


class EstablishmentKind(models.TextChoices):
    """Kinds of establishment a resumption checklist is written for (the ``resumption`` section)."""

    ENTERPRISE = "enterprise", _("enterprise")
    SHOP = "shop", _("shop")
    MARKET = "market", _("market")
    SCHOOL = "school", _("school")
    KINDERGARTEN = "kindergarten", _("kindergarten")
    VENUE = "venue", _("other venue")


class NotifiableClass(models.TextChoices):
    """The class a notifiable disease is listed in by the Law on the Prevention and Control of
    Infectious Diseases (甲类, 乙类, 丙类); "other" for a disease watched but not listed."""

    A = "A", _("class A")
    B = "B", _("class B")
    C = "C", _("class C")
    OTHER = "other", _("not a listed notifiable disease")


class Distribution(models.TextChoices):
    """How a pack figure is distributed; ``point`` is a published value without its spread."""

    GAMMA = "gamma", _("gamma")
    LOGNORMAL = "lognormal", _("log-normal")
    NORMAL = "normal", _("normal")
    WEIBULL = "weibull", _("Weibull")
    POINT = "point", _("a single value")


class NaturalHistory(models.TextChoices):
    """The figures of a pathogen's natural history a pack may hold (days, or a share)."""

    INCUBATION = "incubation", _("incubation period")
    LATENT = "latent", _("latent period")
    INFECTIOUS = "infectious", _("infectious period")
    ASYMPTOMATIC_SHARE = "asymptomatic_share", _("share of infections without symptoms")
    SEVERE_SHARE = "severe_share", _("share of cases that become severe")
    TEST_SENSITIVITY = "test_sensitivity", _("sensitivity of the diagnostic test")


class Transmission(models.TextChoices):
    SERIAL_INTERVAL = "serial_interval", _("serial interval")
    GENERATION_TIME = "generation_time", _("generation time")


class ClusterSetting(models.TextChoices):
    """Where a peacetime cluster is counted (the units school and nursery rules name)."""

    CLASS = "class", _("one class or dormitory")
    SCHOOL = "school", _("one school")
    KINDERGARTEN = "kindergarten", _("one kindergarten or nursery")
    INSTITUTION = "institution", _("one school, nursery or other collective unit")
    VILLAGE = "village", _("one village or residents' committee")


class ClusterLevel(models.TextChoices):
    CLUSTER = "cluster", _("cluster (聚集性疫情)")
    OUTBREAK = "outbreak", _("outbreak (暴发疫情)")
    PUBLIC_HEALTH_EVENT = "public_health_event", _("reportable public health emergency")


#: Cluster levels, highest first: a case is judged at the highest level it completes.
CLUSTER_LEVELS_HIGHEST_FIRST = (
    ClusterLevel.PUBLIC_HEALTH_EVENT,
    ClusterLevel.OUTBREAK,
    ClusterLevel.CLUSTER,
)


class VectorIndex(models.TextChoices):
    BRETEAU = "breteau", _("Breteau index (positive containers per 100 houses)")
    HOUSE = "house", _("house index (houses with larvae per hundred inspected)")
