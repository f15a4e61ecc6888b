"""The timeline: one panel per strategy — its Gantt chart with running slices, concurrency,
event-loop lag and per-core CPU — on one shared time axis, and its slow-motion replay."""
