"""The planet: WGS-84, frames and time, gravity, atmosphere, line of sight and horizon."""
