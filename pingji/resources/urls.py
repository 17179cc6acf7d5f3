app_name = "resources"
urlpatterns: list = []
