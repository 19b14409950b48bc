"""The demo company's catalogue: locations, categories, pricing templates, products and stock units.

Products name where they are stocked and how people hire them (``durations``: weighted choices of
hours or days), so the generated bookings look like real hire patterns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from lockii.catalogue.models import Category, Location, PricingTemplate, Product, StockUnit
from lockii.ids import new_id

COMPANY = {"name": "Fjord & Trail Hire", "slug": "fjord-trail-hire", "currency": "EUR", "timezone": "Europe/Oslo"}


def _hours(open_: str, close: str) -> dict:
    return {"open": open_, "close": close}


LOCATIONS = [
    dict(key="harbour", name="Bergen Harbour", address="Bryggen 14, 5003 Bergen, Norway",
         contact="+47 55 21 40 00 · harbour@fjordtrail.example",
         opening_hours={**{d: _hours("07:00", "20:00") for d in ("mon", "tue", "wed", "thu", "fri")},
                        "sat": _hours("08:00", "18:00"), "sun": _hours("10:00", "16:00")},
         access_details="Gate at the north end of the quay. Enter the gate code on the keypad, then open the "
                        "item's lock with your lock code. Trailers are in bays 1-12 by the fence.",
         access_lock_id="gate-harbour-01", weight=0.45),
    dict(key="lakeside", name="Voss Lakeside", address="Strandavegen 8, 5700 Voss, Norway",
         contact="+47 56 51 12 30 · voss@fjordtrail.example",
         opening_hours={**{d: _hours("08:00", "18:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
                        "sun": None},
         access_details="Boat shed beside the public beach; kayaks and boards are on the racks, paddles and "
                        "life jackets in the blue lockers. Closed on Sundays.",
         access_lock_id="", weight=0.35),
    dict(key="trailhead", name="Flåm Trailhead", address="Nedre Brekkevegen 2, 5742 Flåm, Norway",
         contact="+47 57 63 20 10 · flam@fjordtrail.example",
         opening_hours={d: _hours("06:00", "22:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
         access_details="Container next to the car park. Bikes charge on the left wall; helmets in the cabinet.",
         access_lock_id="gate-flam-02", weight=0.20),
]

CATEGORIES = {
    "trailers": "Car trailers for moving, garden waste and vehicles.",
    "water": "Kayaks and stand-up paddle boards with paddles and life jackets.",
    "bikes": "Electric bikes with helmet and lock.",
    "tools": "Garden and building tools.",
}
CATEGORY_NAMES = {"trailers": "Trailers", "water": "Water sports", "bikes": "E-bikes", "tools": "Tools"}

# Rates in cents (EUR).
PRICING = {
    "trailer": dict(name="Trailer", hour_rate=1500, day_rate=4900, week_rate=24900, minimum_minutes=120),
    "car_trailer": dict(name="Car transport trailer", hour_rate=None, day_rate=8900, week_rate=44900,
                        minimum_minutes=24 * 60),
    "water": dict(name="Kayak & SUP", hour_rate=1200, day_rate=3900, week_rate=17900, minimum_minutes=60),
    "ebike": dict(name="E-bike", hour_rate=900, day_rate=3500, week_rate=16900, minimum_minutes=60),
    "tools": dict(name="Tools", hour_rate=800, day_rate=2500, week_rate=9900, minimum_minutes=60),
}

# (weight, unit, choices): a hire lasts one of ``choices`` hours or days.
HOURLY_SHORT = [(0.6, "hour", (2, 2, 3, 4, 6)), (0.35, "day", (1, 1, 2)), (0.05, "day", (7,))]
DAILY = [(0.35, "hour", (3, 4, 6, 8)), (0.55, "day", (1, 1, 2, 3)), (0.10, "day", (7,))]
DAYS_ONLY = [(0.8, "day", (1, 2, 3)), (0.2, "day", (7,))]


@dataclass
class ProductSpec:
    key: str
    name: str
    category: str
    pricing: str
    label: str  # stock label pattern: {plate} or {n}
    locations: tuple[str, ...]
    weight: float  # share of bookings
    durations: list = field(default_factory=lambda: DAILY)
    group: bool = False  # often hired several at once (kayaks, bikes)
    description: str = ""


PRODUCTS = [
    ProductSpec("box_trailer", "Box trailer 750 kg", "trailers", "trailer", "Trailer {plate}",
                ("harbour", "trailhead"), 0.18, DAILY, description="2.5 × 1.3 m, 750 kg, no brakes; B licence."),
    ProductSpec("tipper", "Tipper trailer 1300 kg", "trailers", "trailer", "Tipper {plate}", ("harbour",), 0.06,
                DAILY, description="Hydraulic tipping for gravel and garden waste; BE licence over 750 kg."),
    ProductSpec("car_trailer", "Car transport trailer", "trailers", "car_trailer", "Car trailer {plate}",
                ("harbour",), 0.04, DAYS_ONLY, description="Braked 2000 kg trailer with winch and ramps."),
    ProductSpec("sea_kayak", "Sea kayak (single)", "water", "water", "Kayak K-{n:02d}", ("lakeside", "harbour"),
                0.16, HOURLY_SHORT, group=True, description="5.2 m touring kayak, spray deck included."),
    ProductSpec("tandem_kayak", "Tandem kayak", "water", "water", "Tandem T-{n:02d}", ("lakeside",), 0.07,
                HOURLY_SHORT, group=True, description="Stable two-seater, ideal for families."),
    ProductSpec("sup", "Inflatable SUP board", "water", "water", "SUP board S-{n:02d}", ("lakeside",), 0.10,
                HOURLY_SHORT, group=True, description="10'6\" all-round board with pump and leash."),
    ProductSpec("ebike", "E-bike Trekking", "bikes", "ebike", "E-bike #{n:02d}", ("trailhead", "lakeside"), 0.17,
                HOURLY_SHORT, group=True, description="500 Wh battery, about 90 km range. Helmet included."),
    ProductSpec("cargo_bike", "E-cargo bike", "bikes", "ebike", "Cargo bike C-{n:02d}", ("harbour",), 0.05,
                DAILY, description="Front box for 100 kg or two children."),
    ProductSpec("washer", "Pressure washer", "tools", "tools", "Pressure washer PW-{n}", ("harbour",), 0.08,
                DAILY, description="160 bar with patio cleaner and 10 m hose."),
    ProductSpec("tile_saw", "Wet tile saw", "tools", "tools", "Tile saw TS-{n}", ("harbour",), 0.04, DAILY,
                description="Cuts tiles up to 90 cm; water tray included."),
    ProductSpec("auger", "Post hole auger", "tools", "tools", "Auger PH-{n}", ("trailhead",), 0.05, DAILY,
                description="Petrol auger with 150 and 200 mm bits."),
]

_PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


@dataclass
class Catalogue:
    """What the booking generator needs to know about the saved catalogue."""

    locations: dict[str, Location]
    pricing: dict[str, PricingTemplate]
    products: dict[str, Product]
    specs: dict[str, ProductSpec]
    units: list[StockUnit]

    @property
    def pricing_by_id(self) -> dict[str, PricingTemplate]:
        return {t.id: t for t in self.pricing.values()}


def stock_count(bookings: int) -> int:
    """Enough units that each holds about 40 hires over the demo period (roughly a third busy)."""
    return max(40, -(-bookings // 40))


def _unit_counts(total: int) -> dict[tuple[str, str], int]:
    """Split ``total`` units over (product, location) by demand share; at least one each."""
    groups = [(p.key, loc) for p in PRODUCTS for loc in p.locations]
    share = {(p.key, loc): p.weight / len(p.locations) for p in PRODUCTS for loc in p.locations}
    counts = {g: max(1, round(total * share[g])) for g in groups}
    return counts


def create_catalogue(company, rng: random.Random, *, units: int) -> Catalogue:
    """Save the catalogue rows (a few dozen, plus ``units`` stock units in bulk)."""
    locations = {}
    for spec in LOCATIONS:
        fields = {k: v for k, v in spec.items() if k not in ("key", "weight")}
        locations[spec["key"]] = Location.objects.create(company=company, **fields)
    categories = {key: Category.objects.create(company=company, name=CATEGORY_NAMES[key], description=text)
                  for key, text in CATEGORIES.items()}
    pricing = {key: PricingTemplate.objects.create(company=company, **spec) for key, spec in PRICING.items()}
    products = {
        p.key: Product.objects.create(
            company=company, name=p.name, description=p.description, category=categories[p.category],
            pricing_template=pricing[p.pricing], public=p.key != "tile_saw",
            images=[f"https://images.fjordtrail.example/products/{p.key}.jpg"])
        for p in PRODUCTS
    }
    stock = _stock_units(company, rng, locations, products, units)
    StockUnit.objects.bulk_create(stock, batch_size=2000)
    return Catalogue(locations, pricing, products, {p.key: p for p in PRODUCTS}, stock)


def _plate(rng: random.Random, used: set[str]) -> str:
    while True:
        plate = "".join(rng.choice(_PLATE_LETTERS) for _ in range(3)) + f"{rng.randrange(100, 1000)}"
        if plate not in used:
            used.add(plate)
            return plate


def _stock_units(company, rng, locations, products, total) -> list[StockUnit]:
    plates: set[str] = set()
    numbers: dict[str, int] = {}
    units = []
    for (key, loc), count in _unit_counts(total).items():
        spec = next(p for p in PRODUCTS if p.key == key)
        for _ in range(count):
            numbers[key] = numbers.get(key, 0) + 1
            label = spec.label.format(plate=_plate(rng, plates), n=numbers[key])
            status = rng.choices(("available", "maintenance", "retired"), (0.92, 0.05, 0.03))[0]
            units.append(StockUnit(
                id=new_id("stock"), company=company, product=products[key], location=locations[loc],
                label=label, lock_id=f"lock-{rng.getrandbits(32):08x}", status=status))
    return units
