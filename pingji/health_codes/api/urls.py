from rest_framework.routers import DefaultRouter

from .instructions import InstructionViewSet
from .views import PushRowViewSet, PushViewSet

router = DefaultRouter()
router.register("pushes", PushViewSet)
router.register("rows", PushRowViewSet)
router.register("instructions", InstructionViewSet)
urlpatterns = router.urls
