"""What happens: the scenario file (schema, loading with clear errors) and the runner."""
