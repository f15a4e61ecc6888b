"""Classroom mode: a preset's Claim / Measured / Verdict, presentation mode for a projector,
and the scaling sweep."""
