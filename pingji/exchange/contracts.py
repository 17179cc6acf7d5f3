"""What the exchange domain tells the others: its event kinds.

Exchange sits above every domain (docs/architecture.md): it hears ``cases.reported``,
``cases.reclassified`` and ``cases.voided`` (``handlers``) and emits only its own facts, which
nobody below may subscribe to. No function here is offered to other apps.
"""

from typing import TypedDict

from pingji.core.events import declare


class CardFiledPayload(TypedDict):
    card_number: str
    #: ``form`` (a person filled it in), ``extract`` (matched from the national extract).
    via: str
    at: str


class ExtractImportedPayload(TypedDict):
    sha256: str
    rows: int
    filed: int
    already: int


CARD_FILED = declare(
    "exchange.card_filed",
    "a case's report card filed in the national system, with its card number",
    CardFiledPayload,
)
EXTRACT_IMPORTED = declare(
    "exchange.extract_imported",
    "an extract of the national system's cards imported",
    ExtractImportedPayload,
)
