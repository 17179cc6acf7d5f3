from django.urls import path
from rest_framework.routers import DefaultRouter

from .standards import Dhis2View, FhirCasesView, LabMessagesView
from .views import (
    ExternalRecordViewSet,
    ExtractCardViewSet,
    ExtractViewSet,
    LabMessageViewSet,
    ReconciliationView,
    ReportCardViewSet,
)

router = DefaultRouter()
router.register("cards", ReportCardViewSet)
router.register("extracts", ExtractViewSet)
router.register("extract-cards", ExtractCardViewSet)
router.register("external-records", ExternalRecordViewSet)
router.register("lab-messages", LabMessageViewSet)
urlpatterns = [
    *router.urls,
    path("reconciliation/", ReconciliationView.as_view(), name="exchange-reconciliation"),
    path("fhir/cases/", FhirCasesView.as_view(), name="exchange-fhir-cases"),
    path("fhir/lab/", LabMessagesView.as_view(), name="exchange-fhir-lab"),
    path("dhis2/dataValueSets/", Dhis2View.as_view(), name="exchange-dhis2"),
]
