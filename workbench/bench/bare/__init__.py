"""Bare reference scripts: the benchmark's experiments with no workbench code at all.

Each is run as ``python <script> <tasks> <workers> <param>`` in a fresh interpreter and prints
``{"wall_s": …}``, timed exactly the region the workbench times as a run's ``wall_s``.
"""
