from pingji.users.choices import Role
from pingji.users.models import AccessRefusal, User


def _worker(grid) -> User:
    return User.objects.create_user(
        username=f"{grid.code}-worker", password="pw", role=Role.GRID_WORKER, jurisdiction=grid
    )


def _refusal(grid) -> AccessRefusal:
    return AccessRefusal.objects.create(
        user=_worker(grid), jurisdiction_code=grid.code, method="GET", path="/x/", status=404
    )


SCOPED_FACTORIES = {User: _worker, AccessRefusal: _refusal}
