"""Generic vehicle models as data: stages, payload, reentry vehicle, pitch programme.

The embedded table is ``tocsin/data/vehicles.yaml``; :func:`load_vehicles` reads it or a user's
file of the same shape. Every figure is generic and public-level (see the file's header).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tocsin.earth.constants import G0_M_S2
from tocsin.errors import InputError, UnknownNameError
from tocsin.safe_yaml import load_yaml, read_yaml_file
from tocsin.validation import validate_document

__all__ = ["Stage", "ReentryVehicle", "Vehicle", "load_vehicles", "get_vehicle", "vehicle_names"]

Category = Literal["icbm", "slbm", "irbm", "mrbm", "slv", "sounding", "validation"]


@dataclass(frozen=True)
class Stage:
    """One motor: propellant and inert mass (kg), vacuum specific impulse (s), burn time (s)."""

    propellant_kg: float
    dry_kg: float
    isp_s: float
    burn_s: float
    coast_before_s: float = 0.0

    @property
    def mdot_kg_s(self) -> float:
        """Mass flow, kg/s (constant over the burn)."""
        return self.propellant_kg / self.burn_s

    @property
    def thrust_n(self) -> float:
        """Vacuum thrust F = Isp g0 ṁ, newtons."""
        return self.isp_s * G0_M_S2 * self.mdot_kg_s


@dataclass(frozen=True)
class ReentryVehicle:
    """What flies after cut-off: mass (kg), β = m/(C_D A) (kg/m²), radar cross-section (m²)."""

    mass_kg: float
    ballistic_coefficient_kg_m2: float
    rcs_m2: float

    @property
    def cd_area_m2(self) -> float:
        """C_D A = m / β, m²."""
        return self.mass_kg / self.ballistic_coefficient_kg_m2


@dataclass(frozen=True)
class Vehicle:
    """A generic vehicle: stages bottom-up, payload above the last stage, reentry vehicle."""

    name: str
    description: str
    category: str
    stages: tuple[Stage, ...]
    payload_kg: float
    rv: ReentryVehicle
    diameter_m: float
    cd_boost: float
    vertical_rise_s: float
    pitch_over_s: float
    max_burnout_speed_m_s: float = 0.0

    @property
    def impulsive(self) -> bool:
        """True for the validation vehicle that has its burnout velocity at the launch point."""
        return not self.stages

    @property
    def orbital(self) -> bool:
        """True for a space launch vehicle, which is targeted to an orbit and never comes down."""
        return self.category == "slv"

    @property
    def liftoff_mass_kg(self) -> float:
        return sum(s.propellant_kg + s.dry_kg for s in self.stages) + self.payload_kg

    @property
    def burn_time_s(self) -> float:
        """Total motor burn time plus the fixed coasts between stages, s."""
        return sum(s.burn_s + s.coast_before_s for s in self.stages)

    @property
    def boost_cd_area_m2(self) -> float:
        """C_D A of the booster stack, m²."""
        return self.cd_boost * 3.141592653589793 * (0.5 * self.diameter_m) ** 2


class _StageModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    propellant_kg: float = Field(gt=0)
    dry_kg: float = Field(gt=0)
    isp_s: float = Field(gt=50, lt=500)
    burn_s: float = Field(gt=0)
    coast_before_s: float = Field(default=0.0, ge=0)


class _RvModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    mass_kg: float = Field(gt=0)
    ballistic_coefficient_kg_m2: float = Field(gt=0)
    rcs_m2: float = Field(gt=0)


class _VehicleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str
    category: Category
    diameter_m: float = Field(gt=0)
    cd_boost: float = Field(ge=0)
    vertical_rise_s: float = Field(ge=0)
    pitch_over_s: float = Field(ge=0)
    stages: list[_StageModel]
    payload_kg: float = Field(gt=0)
    rv: _RvModel
    max_burnout_speed_m_s: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> _VehicleModel:
        if not self.stages and self.max_burnout_speed_m_s <= 0:
            raise ValueError("a vehicle without stages (impulsive) needs max_burnout_speed_m_s > 0")
        if self.stages and self.pitch_over_s <= 0:
            raise ValueError("pitch_over_s > 0 for a vehicle with stages")
        if self.stages:
            mass = sum(s.propellant_kg + s.dry_kg for s in self.stages) + self.payload_kg
            first = self.stages[0]
            thrust = first.isp_s * G0_M_S2 * first.propellant_kg / first.burn_s
            if thrust < 1.1 * mass * G0_M_S2:
                raise ValueError(f"first-stage thrust-to-weight {thrust / (mass * G0_M_S2):.2f}"
                                 " must be at least 1.1")
        return self


def _to_vehicle(name: str, m: _VehicleModel) -> Vehicle:
    return Vehicle(
        name=name, description=m.description, category=m.category,
        stages=tuple(Stage(**s.model_dump()) for s in m.stages),
        payload_kg=m.payload_kg, rv=ReentryVehicle(**m.rv.model_dump()),
        diameter_m=m.diameter_m, cd_boost=m.cd_boost, vertical_rise_s=m.vertical_rise_s,
        pitch_over_s=m.pitch_over_s, max_burnout_speed_m_s=m.max_burnout_speed_m_s,
    )


def load_vehicles(path: str | Path | None = None) -> dict[str, Vehicle]:
    """Read a vehicle table (YAML mapping name → model); the embedded one when ``path`` is None."""
    if path is None:
        source = "tocsin/data/vehicles.yaml"
        data = resources.files("tocsin.data").joinpath("vehicles.yaml").read_bytes()
        raw = load_yaml(data, source=source)
    else:
        source = str(path)
        raw = read_yaml_file(path, field="vehicles file")
    if not isinstance(raw, dict):
        raise InputError(source, type(raw).__name__, "a mapping of vehicle name to model")
    out = {}
    for name, body in raw.items():
        model = validate_document(_VehicleModel, body, source, prefix=str(name))
        out[str(name)] = _to_vehicle(str(name), model)
    return out


@functools.lru_cache(maxsize=1)
def _embedded() -> dict[str, Vehicle]:
    return load_vehicles()


def vehicle_names() -> list[str]:
    """Names of the embedded vehicles."""
    return sorted(_embedded())


def get_vehicle(name: str, field: str = "vehicle") -> Vehicle:
    """The embedded vehicle called ``name``; an error listing the known names otherwise."""
    table = _embedded()
    if name not in table:
        raise UnknownNameError(field, name, list(table))
    return table[name]
