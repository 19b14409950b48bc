"""Demo customers: locals and visitors with plausible names, contact details and account states."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from lockii.ids import new_id

DAY = 86_400_000

# (first names, last names, phone format, cities): phone digits are filled from "#".
NATIONS = {
    "no": (["Ingrid", "Lars", "Sigrid", "Ola", "Kari", "Bjørn", "Solveig", "Håkon", "Astrid", "Eirik", "Marit",
            "Sindre", "Tuva", "Magnus", "Nora", "Øystein", "Ida", "Henrik", "Silje", "Torbjørn"],
           ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
            "Karlsen", "Haugen", "Berg", "Solberg", "Dahl", "Lunde", "Bakken", "Strand", "Sæther", "Moen", "Aasen"],
           "+47 9## ## ###",
           ["5003 Bergen", "5700 Voss", "5742 Flåm", "0150 Oslo", "7010 Trondheim", "4006 Stavanger"]),
    "de": (["Lukas", "Anna", "Jonas", "Lea", "Felix", "Hannah", "Maximilian", "Sophie", "Paul", "Marie"],
           ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch"],
           "+49 15# #######", ["10115 Berlin", "20095 Hamburg", "80331 München", "50667 Köln"]),
    "nl": (["Daan", "Emma", "Sem", "Julia", "Lars", "Sanne", "Thijs", "Fleur"],
           ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Mulder"],
           "+31 6 ########", ["1012 Amsterdam", "3011 Rotterdam", "3511 Utrecht"]),
    "gb": (["Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Emily", "Charlie", "Grace"],
           ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts", "Walker"],
           "+44 7### ######", ["Edinburgh EH1", "London SW1A", "Manchester M1", "Bristol BS1"]),
    "pl": (["Jakub", "Zuzanna", "Kacper", "Julia", "Szymon", "Maja"],
           ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski"],
           "+48 5## ### ###", ["00-001 Warszawa", "30-001 Kraków", "80-001 Gdańsk"]),
}
NATION_WEIGHTS = {"no": 0.62, "de": 0.12, "nl": 0.08, "gb": 0.12, "pl": 0.06}
STREETS = ["Storgata", "Kirkegata", "Strandgata", "Parkveien", "Hovedgata", "Skolegata", "Bakkeveien", "Fjordveien"]
DOMAINS = ["example.com", "example.net", "example.org", "mail.example"]
NOTES = ["Prefers morning pickups.", "Regular customer; tow bar on a Volvo XC60.", "Hotel guest at Fleischer's.",
         "Asked about a season pass.", "Paddles with a club; experienced.", ""]
BLOCK_REASONS = ["Trailer returned with a bent axle; repair invoice unpaid.", "Payment charged back by the bank.",
                 "Did not return an e-bike for three days and ignored calls.", "Abusive to staff on the phone."]

_ASCII = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "å": "a", "Å": "A", "ß": "ss", "ł": "l"})


def email_local(first: str, last: str) -> str:
    raw = f"{first}.{last}".translate(_ASCII).replace(" ", "")
    return unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()


@dataclass
class CustomerState:
    """What the booking generator needs: who may book when (blocked customers get no new bookings)."""

    id: str
    created_ms: int
    blocked_ms: int | None


def _phone(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def make_customers(batch, company_id: str, rng: random.Random, count: int, *, first_ms: int, now_ms: int,
                   staff_ids: list[str]) -> list[CustomerState]:
    """Queue ``count`` customers, created within ~a year before ``first_ms``; some verified, a few blocked.
    Verifications and blocks get their audit events."""
    nations, weights = list(NATION_WEIGHTS), list(NATION_WEIGHTS.values())
    seen: dict[str, int] = {}
    states = []
    for _ in range(count):
        firsts, lasts, phone, cities = NATIONS[rng.choices(nations, weights)[0]]
        first, last = rng.choice(firsts), rng.choice(lasts)
        local = email_local(first, last)
        seen[local] = seen.get(local, 0) + 1
        suffix = "" if seen[local] == 1 else str(seen[local])
        created = first_ms - rng.randrange(DAY, 400 * DAY)
        c = batch.customers.add(
            id=new_id("customer"), company_id=company_id, first_name=first, last_name=last,
            email=f"{local}{suffix}@{rng.choice(DOMAINS)}", phone=_phone(rng, phone),
            address=f"{rng.choice(STREETS)} {rng.randrange(1, 120)}, {rng.choice(cities)}",
            notes=rng.choice(NOTES) if rng.random() < 0.15 else "", created_ms=created,
        )
        roll = rng.random()
        if roll < 0.55:
            c.update(verification_status="verified", verified_by=rng.choice(staff_ids),
                     verified_ms=created + rng.randrange(0, 3 * DAY))
            _event(batch, company_id, c["verified_by"], "customer.verify", c["id"], c["verified_ms"])
        elif roll < 0.65:
            c["verification_status"] = "pending"
        if rng.random() < 0.02:
            c.update(blocked=True, blocked_reason=rng.choice(BLOCK_REASONS), blocked_by=staff_ids[0],
                     blocked_ms=now_ms - rng.randrange(2 * DAY, 90 * DAY))
            _event(batch, company_id, c["blocked_by"], "customer.block", c["id"], c["blocked_ms"],
                   reason=c["blocked_reason"])
        states.append(CustomerState(c["id"], created, c["blocked_ms"]))
    return states


def _event(batch, company_id: str, user_id: str, action: str, customer_id: str, at: int, **detail) -> None:
    batch.events.add(id=new_id("audit"), company_id=company_id, actor_type="user", actor_id=user_id,
                     action=action, target_type="customer", target_id=customer_id, detail=detail, at_ms=at)
