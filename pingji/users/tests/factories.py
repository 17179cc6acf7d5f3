from pingji.users.choices import Role
from pingji.users.models import User

SCOPED_FACTORIES = {
    User: lambda grid: User.objects.create_user(
        username=f"{grid.code}-worker", password="pw", role=Role.GRID_WORKER, jurisdiction=grid
    ),
}
