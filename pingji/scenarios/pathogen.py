"""The pathogen of a scenario, from its disease pack (decision 0041): the variant dominant in the
jurisdiction on the state day, with the simulator's figures that variant carries.

Code holds no pathogen figure: a day whose dominant variant gives no simulator figures cannot be
simulated, and says so. What a run records is the pack, its version (the SHA-256 of the pack as
loaded, since a pack carries no version number of its own) and the variant.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pingji.epi import abm
from pingji.protocols.diseases import COVID_19, pack_of, variant_on


@dataclass(frozen=True)
class PathogenFromPack:
    pathogen: abm.Pathogen
    raw: dict
    record: dict


def pathogen_on(code: str, day: datetime.date, disease: str = COVID_19) -> PathogenFromPack:
    """The simulator's pathogen for ``code`` on ``day``, or a ValidationError on ``state_day``."""
    pack = pack_of(disease)
    variant = variant_on(pack, day, code)
    raw = (variant or {}).get("simulator")
    if not raw:
        name = (variant or {}).get("name") or _("no variant")
        raise ValidationError(
            {
                "state_day": _(
                    "The disease pack gives no simulator figures for the variant dominant on "
                    "%(day)s (%(variant)s)."
                )
                % {"day": day.isoformat(), "variant": name}
            }
        )
    text = json.dumps(pack, sort_keys=True, ensure_ascii=False).encode()
    record = {
        "pack": disease,
        "version": hashlib.sha256(text).hexdigest()[:16],
        "variant": variant["code"] if variant else "",
        "variant_name": variant["name"] if variant else "",
    }
    return PathogenFromPack(abm.Pathogen.from_dict(raw), raw, record)
