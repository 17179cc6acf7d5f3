"""What the people domain tells the others: its event kinds and their payloads.

Besides registrations, people records every use of personal data an auditor asks about: an
identity revealed (with the reason given), an identity search (with its hits), and the refusals
of the blind search (decision 0031), scoped to the province so that a pattern across counties
shows. A merge of two records of one person says what moved.

Other apps call into people through ``actions.do_create_person`` and
``actions.find_person_by_id_number`` (cases, preparedness), ``actions.do_reveal_identity``
(testing, tracing), ``actions.refuse_held_elsewhere`` (cases), ``identity.normalize_id_number``
and the form fields ``IdNumberField`` and ``PhoneField`` (cases); the demo
through ``synthetic.load_population`` and ``identity.compose_id_number``.
"""

from typing import TypedDict

from pingji.core.events import declare


class RegistrationRefusedPayload(TypedDict):
    area: str
    purpose: str


class IdentityRevealedPayload(TypedDict):
    reason: str
    #: The fields shown (id number, phone), those the person has.
    fields: list[str]


class IdentitySearchedPayload(TypedDict):
    #: What was searched by (id number, phone).
    kind: str
    hits: int
    reason: str


class IdentitySearchRefusedPayload(TypedDict):
    purpose: str
    limit: int
    seconds: int


class PersonsMergedPayload(TypedDict):
    duplicate: int
    duplicate_name: str
    #: Rows moved to the kept person, per model label.
    moved: dict[str, int]
    #: Fields of the kept person completed from the duplicate.
    completed: list[str]


class PopulationLoadedPayload(TypedDict):
    scale: float
    seed: int
    persons: int
    households: int


HOUSEHOLD_CREATED = declare("people.household_created", "a household registered")
HOUSEHOLD_DELETED = declare("people.household_deleted", "a household removed")
PERSON_REGISTERED = declare("people.person_registered", "a person registered")
PERSON_DELETED = declare("people.person_deleted", "a person removed")
REGISTRATION_REFUSED = declare(
    "people.registration_refused",
    "an identity number held outside the actor's area, refused",
    RegistrationRefusedPayload,
)
IDENTITY_REVEALED = declare(
    "people.identity_revealed",
    "a person's identity shown, with the reason",
    IdentityRevealedPayload,
)
IDENTITY_SEARCHED = declare(
    "people.identity_searched", "a search by identity number or phone", IdentitySearchedPayload
)
IDENTITY_SEARCH_REFUSED = declare(
    "people.identity_search_refused",
    "an identity look-up refused by the rate limit",
    IdentitySearchRefusedPayload,
)
PERSONS_MERGED = declare(
    "people.persons_merged", "two records of one person merged", PersonsMergedPayload
)
SYNTHETIC_POPULATION_LOADED = declare(
    "people.synthetic_population_loaded",
    "the demo's synthetic households and residents loaded",
    PopulationLoadedPayload,
)
