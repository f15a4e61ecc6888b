"""``workbench list`` and ``workbench presets``: what there is to run."""

from __future__ import annotations

import argparse
import sys

from workbench.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Subcommands


def register(commands: Subcommands) -> None:
    listing = commands.add_parser("list", help="list workloads (with parameters) and strategies")
    listing.set_defaults(handler=print_list)
    presets = commands.add_parser(
        "presets", help="list the presets: the articles' claims, one click away"
    )
    presets.set_defaults(handler=print_presets)
    self_test = commands.add_parser("self-test", help="same as --self-test")
    self_test.set_defaults(handler=self_test_command)


def print_list(args: argparse.Namespace) -> int:
    from workbench.core.strategies import STRATEGIES
    from workbench.core.workloads import WORKLOADS

    print("Workloads:")
    for workload in WORKLOADS.values():
        print(f"  {workload.name:<8} {workload.summary}")
        for p in workload.params:
            bounds = f"{p.format(p.minimum)}–{p.format(p.maximum)}"
            print(f"      {p.name}={p.format(p.default)} {p.unit} ({bounds}): {p.help}")
    print("\nStrategies:")
    for strategy in STRATEGIES.values():
        print(f"  {strategy.name:<17} {strategy.summary}")
        if (missing := strategy.unavailable) is not None:
            print(f"  {'':<17} unavailable here: {missing}")
    return EXIT_OK


def print_presets(args: argparse.Namespace) -> int:
    """The presets that load; each damaged file as one line on stderr, and then exit 2."""
    from workbench.core.presets import read_all_presets

    catalogue = read_all_presets()  # the shipped ones, then the user's own
    for preset in catalogue.presets.values():
        print(f"{preset.name:<18} {preset.title} ({preset.purpose.value})")
        print(f"{'':<18} claim: {preset.claim}")
    for problem in catalogue.problems.values():
        print(f"workbench: error: {problem}", file=sys.stderr)
    if catalogue.problems:
        return EXIT_USAGE
    if not catalogue.presets:
        print("workbench: error: no presets found: this install is incomplete", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def self_test_command(args: argparse.Namespace) -> int:
    from workbench.selftest import run_self_test

    return run_self_test()
