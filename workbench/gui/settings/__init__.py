"""The settings side panel: the preset picker, the workload and its parameters, tasks,
workers, repeat and strategies, built from what the core declares."""
