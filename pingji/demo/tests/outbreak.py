"""A small demo province for the outbreak replay's tests: the four outbreak cities only.

The real divisions, the synthetic tree and residents below Putian, Xiamen, Quanzhou and Zhangzhou at
a small scale, and the demo accounts — what ``pingji demo`` prepares before the replay, in a few
seconds. Later domains' demo tests build on it (``outbreak_province()`` then ``steps.cases.load``…).
"""

from pingji.demo.accounts import create_demo_users
from pingji.demo.replay import Replay
from pingji.geo.choices import Level
from pingji.geo.loaders.divisions import load_divisions
from pingji.geo.models import Jurisdiction
from pingji.geo.synthetic import generate_tree
from pingji.people.synthetic import cells_for, load_population

OUTBREAK_CITIES = ("3502", "3503", "3505", "3506")


def outbreak_province(scale: float = 0.0002, seed: int = 7) -> Replay:
    """Prepare the four cities at ``scale``; return the replay to run the demo steps with."""
    load_divisions()
    for city in OUTBREAK_CITIES:
        generate_tree(scale=scale, seed=seed, within=city)
    grids = Jurisdiction.objects.filter(level=Level.GRID).order_by("code")
    load_population(cells_for(grids.values_list("code", "population"), scale), seed=seed)
    create_demo_users()
    return Replay(scale=scale, seed=seed, say=lambda _message: None)
