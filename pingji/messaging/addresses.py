"""Where a recipient is reached, masked for the row and plain only for the gateway (0043, point 8).

A person is reached by SMS at the phone kept encrypted on them (``people.Person.phone_cipher``);
an account by e-mail and by enterprise messaging under its username; an establishment through
its liaison official's account: the establishment register keeps no telephone of its own, so
the official who answers for it (``reopening.Establishment.liaison``) receives its notices by
work phone and e-mail. ``masked`` is what the outbox stores and shows; ``plain`` is called by the
send job alone, the moment it hands the message over.
"""

import re

from pingji.core.crypto import decrypt
from pingji.core.personal_data import mask_name, mask_phone

from .choices import Channel, RecipientKind

#: A mainland mobile number: 11 digits, 1 then 3 to 9 (what an SMS gateway can deliver to).
MOBILE = re.compile(r"^1[3-9]\d{9}$")


class NoAddress(LookupError):
    """The recipient cannot be reached on this channel (no phone, no e-mail, no liaison)."""


def mask_email(email: str) -> str:
    """``z***@example.cn``: the first letter and the domain."""
    local, _at, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


def scrub(text: str, *names: str) -> str:
    """Free text (a dispatch's reason) with each given real name replaced by its mask."""
    for name in names:
        if name:
            text = text.replace(name, mask_name(name))
    return text


def kind_of(recipient) -> str:
    """The ``RecipientKind`` of a person, an account or an establishment."""
    label = recipient._meta.label_lower
    if label == "people.person":
        return RecipientKind.PERSON
    if label == "reopening.establishment":
        return RecipientKind.ESTABLISHMENT
    return RecipientKind.USER


def scope_of(recipient) -> str:
    """The jurisdiction whose staff see the recipient's messages."""
    return str(recipient.jurisdiction_id or "")


def label_of(recipient) -> str:
    """How the outbox names the recipient: a person masked, an account or establishment plain."""
    if kind_of(recipient) == RecipientKind.PERSON:
        return mask_name(recipient.name)
    if kind_of(recipient) == RecipientKind.USER:
        return recipient.get_full_name() or recipient.username
    return recipient.name


def _account_of(recipient):
    if kind_of(recipient) == RecipientKind.ESTABLISHMENT:
        return recipient.liaison
    return recipient


def plain(recipient, channel: str) -> str:
    """The real address on ``channel``; ``NoAddress`` when there is none. Decrypts a phone."""
    if kind_of(recipient) == RecipientKind.PERSON:
        if channel == Channel.SMS and recipient.phone_cipher:
            return decrypt(recipient.phone_cipher)
        raise NoAddress(channel)
    account = _account_of(recipient)
    value = ""
    if account is not None:
        fields: dict[str, str] = {
            Channel.EMAIL: account.email,
            Channel.SMS: account.phone,
            Channel.IM: account.username,
        }
        value = fields.get(channel, "")
    if not value:
        raise NoAddress(channel)
    return value


def masked(recipient, channel: str) -> str:
    """The address as the outbox keeps it; ``NoAddress`` when there is none. Decrypts nothing:
    a person's phone is read from its stored mask."""
    if kind_of(recipient) == RecipientKind.PERSON:
        if channel == Channel.SMS and recipient.phone_masked:
            return recipient.phone_masked
        raise NoAddress(channel)
    value = plain(recipient, channel)  # an account's own fields: nothing encrypted
    if channel == Channel.EMAIL:
        return mask_email(value)
    return mask_phone(value) if channel == Channel.SMS else value
