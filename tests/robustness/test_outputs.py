"""Outputs never clobber what is there: a device, a pipe, a folder or a symlink stays what it
was; ``-`` is standard output; two options never name one file; files get the user's umask."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from tests.robustness.commands import QUICK_RUN, refused, workbench
from workbench.cli import main
from workbench.core.atomic import write_atomically

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the PNG test's widget, headless

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and modes")


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_dev_null_is_refused_and_stays_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    refused([*QUICK_RUN, "--out", "/dev/null"], "--out /dev/null: not a regular file", capsys)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_is_refused_and_stays_a_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    refused([*QUICK_RUN, "--csv", str(pipe)], "not a regular file", capsys)
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused([*QUICK_RUN, "--trace", str(tmp_path)], "is a directory", capsys)
    assert tmp_path.is_dir()


@posix_only
def test_a_symlink_to_a_device_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "null.json"
    link.symlink_to(os.devnull)
    refused([*QUICK_RUN, "--out", str(link)], "not a regular file", capsys)
    assert link.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)


@posix_only
def test_a_symlink_is_written_through_and_stays_a_symlink(tmp_path: Path) -> None:
    real, link = tmp_path / "kept" / "results.json", tmp_path / "latest.json"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real)
    dangling, target = tmp_path / "spans.csv", tmp_path / "kept" / "new.csv"
    dangling.symlink_to(target)  # points to a file not written yet

    proc = workbench(*QUICK_RUN, "--no-history", "--out", str(link), "--csv", str(dangling))

    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and dangling.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["runs"]
    assert target.read_text(encoding="utf-8").startswith("strategy,")
    assert sorted(p.name for p in real.parent.iterdir()) == ["new.csv", "results.json"]


def test_dash_is_standard_output_and_the_table_goes_to_standard_error() -> None:
    proc = workbench(*QUICK_RUN, "--no-history", "--out", "-")
    assert proc.returncode == 0, proc.stderr
    assert [run["strategy"] for run in json.loads(proc.stdout)["runs"]] == ["sequential"]
    assert "Speedup" in proc.stderr
    assert not Path("-").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--out", "{d}/r.json", "--csv", "{d}/r.json"], "are the same file"),
        (["--csv", "{d}/r.csv", "--trace", "{d}/./sub/../r.csv"], "are the same file"),
        (["--out", "{d}/r.json", "--trace", "{d}/link.json"], "are the same file"),
        (["--out", "-", "--csv", "-"], "both take standard output"),
    ],
    ids=["same-name", "same-after-dots", "through-a-symlink", "stdout-twice"],
)
def test_two_outputs_naming_one_file_are_refused(
    flags: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    if sys.platform != "win32":
        (tmp_path / "link.json").symlink_to(tmp_path / "r.json")
    elif "link" in " ".join(flags):
        pytest.skip("symlinks need privileges on Windows")
    refused([*QUICK_RUN, *(flag.format(d=tmp_path) for flag in flags)], message, capsys)
    assert not (tmp_path / "r.json").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and /sys are Linux's")
@pytest.mark.parametrize("target", ["/proc/workbench.json", "/sys/workbench.json"])
def test_the_check_writes_for_real_where_os_access_would_say_yes(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Root passes ``os.access`` everywhere; the check creates a file and is refused."""
    refused([*QUICK_RUN, "--out", target], f"--out {target}: cannot write there", capsys)
    assert not os.path.exists(target)


def test_a_name_too_long_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ("r" * 300 + ".json")
    refused([*QUICK_RUN, "--out", str(target)], "cannot write there", capsys)


def test_a_name_near_the_limit_is_written(tmp_path: Path) -> None:
    """Its temporary file, which carries the name, must not be the one too long."""
    target = tmp_path / ("r" * 240 + ".json")
    proc = workbench(*QUICK_RUN, "--no-history", "--out", str(target))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["runs"]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@posix_only
def test_every_output_follows_the_umask(tmp_path: Path) -> None:
    files = {flag: tmp_path / f"out{flag}" for flag in ("--out", "--csv", "--trace")}
    flags = [str(part) for flag, path in files.items() for part in (flag, path)]
    proc = workbench(*QUICK_RUN, "--no-history", *flags, before=lambda: os.umask(0o027))
    assert proc.returncode == 0, proc.stderr
    modes = {flag: stat.S_IMODE(path.stat().st_mode) for flag, path in files.items()}
    assert modes == dict.fromkeys(files, 0o640)


@posix_only
def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "shared.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o664)
    write_atomically(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert target.read_text(encoding="utf-8") == "new"


@posix_only
def test_a_png_is_written_atomically_with_the_umask(qtbot: object, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QLabel

    from workbench.gui.results.files import export_png

    label = QLabel("a chart")
    qtbot.addWidget(label)  # type: ignore[attr-defined]
    label.show()
    target = tmp_path / "chart.png"
    target.write_bytes(b"an older picture")
    target.chmod(0o644)
    previous = os.umask(0o077)
    try:
        export_png(label, target)
        fresh = tmp_path / "fresh.png"
        export_png(label, fresh)
    finally:
        os.umask(previous)
    assert QImage(str(target)).width() == label.width()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # the replaced file's
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600  # the umask's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png", "fresh.png"]


def test_help_says_dash_is_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert (
        "--out OUT, -o OUT write the results file here "
        "(JSON; compact if it ends in .wbr; '-': standard output)"
    ) in text


def test_a_history_entry_exports_to_standard_output(tmp_path: Path) -> None:
    proc = workbench(*QUICK_RUN, data_dir=tmp_path)
    assert proc.returncode == 0, proc.stderr
    exported = workbench("history", "export", "1", "-", data_dir=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert [run["strategy"] for run in json.loads(exported.stdout)["runs"]] == ["sequential"]
    assert not (Path.cwd() / "-").exists()


def test_the_benchmark_refuses_standard_output_for_its_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    refused(["bench", "--out", "-"], "--out -: standard output is not offered here", capsys)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write any file")
def test_a_read_only_file_is_refused_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its folder is writable, so the atomic rename could replace it: the check says no."""
    target = tmp_path / "kept.json"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o444)
    refused([*QUICK_RUN, "--out", str(target)], "the file is read-only", capsys)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_the_code_being_run_is_never_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = tmp_path / "demo.py"
    code.write_text("def task():\n    pass\n", encoding="utf-8")
    argv = ["run", "--code", str(code), "-n", "1", "--csv", str(code)]
    refused(argv, "is the code being run: writing there would replace it", capsys)
    assert code.read_text(encoding="utf-8") == "def task():\n    pass\n"


def test_the_preset_file_being_run_is_never_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbench.core.presets import presets_folder

    preset = tmp_path / "hello-hello.json"
    text = presets_folder().joinpath("hello-hello.json").read_text(encoding="utf-8")
    preset.write_text(text, encoding="utf-8")
    argv = ["run", "--preset", str(preset), "--out", str(tmp_path / "." / "hello-hello.json")]
    refused(argv, "is the preset being run", capsys)
    assert preset.read_text(encoding="utf-8") == text


def test_a_wbr_name_gets_the_compact_form_and_reads_back(tmp_path: Path) -> None:
    from workbench.core.exports import load
    from workbench.core.exports.compact import is_compact

    target = tmp_path / "results.wbr"
    proc = workbench(*QUICK_RUN, "--out", str(target), "--no-history", data_dir=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert is_compact(target.read_bytes()[:16])
    assert len(load(target).runs[0].tasks) == 2
