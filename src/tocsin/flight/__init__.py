"""What flies: generic vehicles, vectorised propagation over the rotating Earth, targeting."""

from tocsin.flight.propagate import (
    FlightResult,
    FlightSamples,
    FlightSummary,
    LaunchPlan,
    Phase,
    propagate,
)
from tocsin.flight.vehicles import Vehicle, get_vehicle, load_vehicles, vehicle_names

__all__ = [
    "FlightResult",
    "FlightSamples",
    "FlightSummary",
    "LaunchPlan",
    "Phase",
    "Vehicle",
    "get_vehicle",
    "load_vehicles",
    "propagate",
    "vehicle_names",
]
