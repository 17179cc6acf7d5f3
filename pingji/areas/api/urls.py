from rest_framework.routers import DefaultRouter

from .views import (
    CheckpointDayViewSet,
    CheckpointViewSet,
    EvaluationViewSet,
    LiftingStepViewSet,
    MeasureChangeViewSet,
    MeasureViewSet,
    PublicationViewSet,
    RiskAreaViewSet,
    TransitionViewSet,
)

router = DefaultRouter()
router.register("risk-areas", RiskAreaViewSet)
router.register("transitions", TransitionViewSet)
router.register("evaluations", EvaluationViewSet)
router.register("publications", PublicationViewSet)
router.register("checkpoints", CheckpointViewSet)
router.register("checkpoint-days", CheckpointDayViewSet)
router.register("lifting-steps", LiftingStepViewSet)
router.register("measures", MeasureViewSet)
router.register("measure-changes", MeasureChangeViewSet)
urlpatterns = router.urls
