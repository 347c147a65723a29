"""What happens: the scenario file (schema, loading with clear errors), the runner, the scores
and the run's tables."""

from tocsin.scenario.build import build_flights, satellite_states
from tocsin.scenario.evaluate import score_run
from tocsin.scenario.loader import load_scenario, parse_scenario
from tocsin.scenario.report import run_report
from tocsin.scenario.runner import (
    RunResult,
    partner_tracker,
    run_scenario,
    scenario_coverage,
    track_partner,
)
from tocsin.scenario.schema import Scenario
from tocsin.scenario.sensors import SensorSet, build_sensors

__all__ = [
    "RunResult",
    "Scenario",
    "SensorSet",
    "build_flights",
    "build_sensors",
    "load_scenario",
    "parse_scenario",
    "partner_tracker",
    "run_report",
    "run_scenario",
    "satellite_states",
    "scenario_coverage",
    "score_run",
    "track_partner",
]
