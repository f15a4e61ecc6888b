"""Results at a glance (the comparison chart, table and plain-language readings) and the
files they are saved to and opened from."""
