"""A whole synthetic health centre: its people with their rights, a year of its services and
NHSO's statements of its PP claims, as of one day.

The same seed, day and size always give the same centre, byte for byte in every file written
from it; dates are counted back from `today`, so a centre built today looks current.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sync.simulate.claims import Statements, build_statements
from sync.simulate.params import Params, default_size, load_params
from sync.simulate.population import Person, Population, Streams, build_population, export_moment
from sync.simulate.rights import assign_problems, assign_rights, write_records
from sync.simulate.services import ServiceYear, build_services


@dataclass(frozen=True)
class Centre:
    """The centre's identity, its population, and when its files are dated."""

    hospcode: str
    name: str
    partner: str
    today: dt.date
    exported_at: dt.datetime
    seed: int
    population: Population = field(repr=False)
    params: Params = field(repr=False)
    services: ServiceYear = field(repr=False)
    statements: Statements = field(repr=False)

    @property
    def persons(self) -> list[Person]:
        return self.population.persons


@dataclass(frozen=True)
class UnitIdentity:
    """Who a centre is, when not the one of rates.toml: a unit of the province demo."""

    hospcode: str
    name: str
    partner: str
    hospital: str
    """The district hospital: contracting unit of the centre's UC members."""
    ampur: str
    tambon: str
    """Two digits each: the centre's villages are numbered under this district and sub-district."""


def unit_params(params: Params, unit: UnitIdentity) -> Params:
    """`params` with the centre's identity replaced; its citizens' main registering office is
    the district's own (changwat and ampur), as the shipped centre's is."""
    centre = params.centre
    changwat = centre.text("changwat")
    home_office = changwat + centre.text("ampur")
    offices: dict[str, float] = {}
    for office in (table := params.birth.section("cid_offices")).values:
        moved = changwat + unit.ampur if office == home_office else office
        offices[moved] = offices.get(moved, 0.0) + table.number(office)
    return Params(
        {
            **params.tables,
            "centre": {
                **centre.values,
                "hospcode": unit.hospcode,
                "name": unit.name,
                "partner_hospcode": unit.partner,
                "hospital_hospcode": unit.hospital,
                "ampur": unit.ampur,
                "tambon": unit.tambon,
            },
            "birth": {**params.birth.values, "cid_offices": offices},
        }
    )


def default_seed() -> int:
    return load_params().size.integer("seed")


def build_centre(
    *,
    seed: int | None = None,
    today: dt.date | None = None,
    persons: int | None = None,
    unit: UnitIdentity | None = None,
) -> Centre:
    """The centre for `seed` (default from rates.toml) as of `today` (default: today); with
    `unit`, that unit instead of the centre of rates.toml."""
    params = load_params() if unit is None else unit_params(load_params(), unit)
    seed = default_seed() if seed is None else seed
    today = today or dt.date.today()
    count = default_size() if persons is None else persons
    if count < 1:
        raise ValueError(f"a centre needs at least one person, not {count}")
    streams = Streams(seed)
    population = build_population(streams, params, count, today)
    assign_rights(streams.rng("rights"), params, population, today)
    assign_problems(streams.rng("problems"), params, population, today)
    write_records(streams.rng("records"), params, population, today)
    section = params.centre
    hospcode = section.text("hospcode")
    services = build_services(streams, params, population.persons, today, hospcode)
    statements = build_statements(streams, params, population.persons, services, today, hospcode)
    return Centre(
        hospcode=hospcode,
        name=section.text("name"),
        partner=section.text("partner_hospcode"),
        today=today,
        exported_at=export_moment(params, today),
        seed=seed,
        population=population,
        params=params,
        services=services,
        statements=statements,
    )
