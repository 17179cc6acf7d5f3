from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("campaigns", views.CampaignViewSet)
router.register("rounds", views.RoundViewSet)
router.register("sampling-points", views.SamplingPointViewSet)
router.register("uploads", views.UploadViewSet)
router.register("coverage", views.CoverageViewSet)
router.register("positive-tubes", views.PositiveTubeViewSet)
router.register("follow-ups", views.FollowUpViewSet)
urlpatterns = router.urls
