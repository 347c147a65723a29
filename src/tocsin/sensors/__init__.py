"""What sees: infrared early-warning satellites, ground radars, detection physics, false alarms."""
