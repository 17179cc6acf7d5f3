"""What every page shows: the user's focus jurisdiction, its breadcrumb and its response mode."""

from pingji.command.modes import mode_for
from pingji.core.views import focus_code
from pingji.geo.models import Jurisdiction


def pingji(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    code = focus_code(request)
    if not code:
        return {"focus": None, "breadcrumb": [], "focus_children": [], "mode": None}
    focus = Jurisdiction.objects.filter(code=code).first()
    if focus is None:
        return {}
    own = request.user.jurisdiction_id or ""
    crumbs = [j for j in focus.ancestors() if j.code.startswith(own)] + [focus]
    return {
        "focus": focus,
        "breadcrumb": crumbs,
        "focus_children": focus.children.only("code", "name").order_by("code")[:300],
        "mode": mode_for(focus),
    }
