from rest_framework.routers import DefaultRouter

from .views import (
    CheckpointDayViewSet,
    CheckpointViewSet,
    EvaluationViewSet,
    LiftingStepViewSet,
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
urlpatterns = router.urls
