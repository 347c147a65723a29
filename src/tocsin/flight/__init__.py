"""What flies: generic vehicles, vectorised propagation over the rotating Earth, targeting."""

from tocsin.flight.launches import LaunchBatch, LaunchPlan
from tocsin.flight.propagate import FlightResult, FlightSamples, FlightSummary, Phase, propagate
from tocsin.flight.vehicles import Vehicle, get_vehicle, load_vehicles, vehicle_names

__all__ = [
    "FlightResult",
    "FlightSamples",
    "FlightSummary",
    "LaunchBatch",
    "LaunchPlan",
    "Phase",
    "Vehicle",
    "get_vehicle",
    "load_vehicles",
    "propagate",
    "vehicle_names",
]
