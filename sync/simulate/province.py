"""The synthetic province of `sitthi demo --province` and the province benchmark: which units,
in which districts, with which names and seeds. Only the plan: building it is
`sync.province_demo`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.simulate.centre import UnitIdentity
from sync.simulate.params import load_params

TWO_DIGITS = 99


@dataclass(frozen=True)
class PlannedUnit:
    identity: UnitIdentity
    district: str
    """AMPUR code: changwat and ampur."""
    district_name: str
    seed: int


@dataclass(frozen=True)
class ProvincePlan:
    units: tuple[PlannedUnit, ...]
    persons: int
    """PERSON rows of each unit."""

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(sorted({u.district for u in self.units}))


def default_units(*, large: bool = False) -> int:
    return load_params().province.integer("large_units" if large else "units")


def default_persons() -> int:
    return load_params().province.integer("persons_per_unit")


def plan_province(
    units: int, persons: int, *, per_district: int | None = None, seed: int | None = None
) -> ProvincePlan:
    """`units` units, `per_district` to a district (rates.toml), `persons` PERSON rows each."""
    params = load_params()
    section = params.province
    per_district = per_district or section.integer("units_per_district")
    if units < 1 or persons < 1 or per_district < 1:
        raise ValueError("a province needs at least one unit of one person")
    if per_district > TWO_DIGITS or -(-units // per_district) > TWO_DIGITS:
        raise ValueError(f"at most {TWO_DIGITS} districts of {TWO_DIGITS} units")
    first_seed = section.integer("seed") if seed is None else seed
    changwat = params.centre.text("changwat")
    district_names = section.texts("district_names")
    unit_names = section.texts("unit_names")
    planned = []
    for number in range(units):
        district, place = divmod(number, per_district)
        ampur, tambon = f"{district + 1:02d}", f"{place + 1:02d}"
        neighbour = f"{(place + 1) % per_district + 1:02d}"
        planned.append(
            PlannedUnit(
                identity=UnitIdentity(
                    hospcode=f"2{ampur}{tambon}",
                    name=section.text("unit_prefix") + _nth(unit_names, number),
                    partner=f"2{ampur}{neighbour}",
                    hospital=f"1{ampur}00",
                    ampur=ampur,
                    tambon=tambon,
                ),
                district=changwat + ampur,
                district_name=_nth(district_names, district),
                seed=first_seed + number,
            )
        )
    return ProvincePlan(tuple(planned), persons)


def _nth(names: tuple[str, ...], index: int) -> str:
    """The index-th name, with a number after it once the list has been used up."""
    name = names[index % len(names)]
    return name if index < len(names) else f"{name} {index // len(names) + 1}"
