import random

import factory
from django.utils import timezone

from organisations.factories import dutch_phone

from .constants import Channel, Side, Tenure

_fake = factory.Faker._get_faker(locale="nl_NL")


def party_data(*, side: str = Side.A, postcode_start: int = 1000, postcode_end: int = 9999, **overrides) -> dict:
    """Field values for a fictional party, for `cases.services.case_create(parties=[...])`."""
    digits = random.randint(postcode_start, postcode_end)  # noqa: S311
    letters = "".join(random.choices("ABCEFGHJKLMNPRTVWXZ", k=2))  # noqa: S311
    data = {
        "side": side,
        "is_reporter": side == Side.A,
        "name": _fake.name(),
        "street": _fake.street_name(),
        "house_number": str(random.randint(1, 250)),  # noqa: S311
        "postcode": f"{digits} {letters}",
        "city": _fake.city(),
        "phone": dutch_phone(),
        "email": "",
        "tenure": random.choice(list(Tenure.values)),  # noqa: S311
    }
    data.update(overrides)
    return data


def case_kwargs(*, service, actor=None, channel=Channel.PHONE, **overrides) -> dict:
    """Keyword arguments for `case_create` with one party on each side."""
    kwargs = {
        "service": service,
        "actor": actor,
        "channel": channel,
        "reported_on": timezone.localdate(),
        "parties": [party_data(side=Side.A), party_data(side=Side.B)],
        "description": _fake.paragraph(nb_sentences=3),
    }
    kwargs.update(overrides)
    return kwargs
