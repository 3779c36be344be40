"""In-process simulated devices for every catalog spec."""
