app_name = "reopening"
urlpatterns: list = []
