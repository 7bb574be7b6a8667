"""The one writer (playbook/base/files.py): every output of every command refuses
the same attacks, and every file-system failure is one usage line (exit 2).

Each output below is attacked the same ways: its path is a symlink to an input
of the run, a symlink to a YAML file, a dangling symlink, a folder, a file in a
read-only folder, a file in a missing folder. The file the link names must be
unchanged, nothing may be created where a dangling link points, and the exit is
a message, never 0 or 70.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import playbook.base.files
from playbook.base.files import write_output
from playbook.cli.main import cli
from playbook.errors import FileSystemError
from tests.conftest import MINI

ANSWERS = """partner:
  name: Fabrikam
  assessed_on: 2026-11-01
answers:
  onboarding_process: no
  renewal_outreach: ad_hoc
metrics:
  churn_rate_annual: 12%
"""
PACK = str(MINI)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme.yaml").write_text(ANSWERS)
    (tmp_path / "other.yaml").write_text("keep: me\n")
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "acme.yaml").write_text(ANSWERS)
    return tmp_path


# Each output: the command line that writes `target` (a path relative to the
# working folder), the input it reads, and the exit codes a refusal may give
# (a batch reports a report it could not write on its row: exit 1).
Output = Callable[[str], tuple[list[str], str]]
OUTPUTS: dict[str, tuple[Output, tuple[int, ...]]] = {
    "assess -o": (lambda t: (["assess", "acme.yaml", "--pack", PACK, "-o", t], "acme.yaml"), (2,)),
    "batch report": (lambda t: (["assess", "batch", "--pack", PACK, "--out-dir", str(Path(t).parent)],
                                "batch/acme.yaml"), (1, 2)),
    "batch --summary": (lambda t: (["assess", "batch", "--pack", PACK, "--out-dir", "reports", "--summary", t],
                                   "batch/acme.yaml"), (2,)),
    "init -o": (lambda t: (["init", "--pack", PACK, "--force", "--from", "acme.yaml", "-o", t], "acme.yaml"), (2,)),
    "form -o": (lambda t: (["form", "--pack", PACK, "--answers", "acme.yaml", "-o", t], "acme.yaml"), (2,)),
    "docs -o": (lambda t: (["docs", PACK, "-o", t], str(MINI / "pack.yaml")), (2,)),
    "coverage -o": (lambda t: (["coverage", PACK, "-o", t], str(MINI / "pack.yaml")), (2,)),
    "translate -o": (lambda t: (["translate", PACK, "--lang", "fr", "-o", t], str(MINI / "pack.yaml")), (2,)),
    "schema --out": (lambda t: (["schema", "--pack", PACK, "--out", str(Path(t).parent)], str(MINI / "pack.yaml")),
                     (2,)),
    "portfolio -o": (lambda t: (["portfolio", "acme.yaml", "--pack", PACK, "-o", t], "acme.yaml"), (2,)),
}
# the file name each output writes when it chooses the name itself
FIXED_NAMES = {"batch report": "acme-report.html", "schema --out": "answers.schema.json"}
DEFAULT_NAMES = {"init -o": "answers.yaml", "batch --summary": "summary.csv", "portfolio -o": "portfolio.html",
                 "form -o": "form.html", "docs -o": "catalog.md", "coverage -o": "coverage.md",
                 "translate -o": "fr.txt", "assess -o": "acme-report.html"}


def _target(output: str, folder: str) -> str:
    return f"{folder}/{FIXED_NAMES.get(output) or DEFAULT_NAMES[output]}"


def _run(output: str, target: str) -> tuple[object, str]:
    make, codes = OUTPUTS[output]
    args, given = make(target)
    r = invoke(*args)
    assert "internal error" not in r.output and "Traceback" not in r.output, r.output
    assert r.exit_code in codes, (r.exit_code, r.output)
    return r, given


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_link_to_an_input_is_never_written_through(work: Path, output: str) -> None:
    (work / "out").mkdir()
    target = _target(output, "out")
    _, given = OUTPUTS[output][0](target)
    before = Path(given).read_bytes()
    os.symlink(Path(given).resolve(), target)
    r, _ = _run(output, target)
    assert Path(given).read_bytes() == before and os.path.islink(target)
    assert "refusing" in r.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_link_to_a_yaml_file_is_never_written_through(work: Path, output: str) -> None:
    (work / "out").mkdir()
    target = _target(output, "out")
    os.symlink(work / "other.yaml", target)
    r, _ = _run(output, target)
    assert (work / "other.yaml").read_text() == "keep: me\n"
    assert "refusing" in r.output and "YAML" in r.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_dangling_link_is_not_followed(work: Path, output: str) -> None:
    (work / "out").mkdir()
    target = _target(output, "out")
    os.symlink(work / "elsewhere" / "planted.html", target)
    (work / "elsewhere").mkdir()
    r, _ = _run(output, target)
    assert not (work / "elsewhere" / "planted.html").exists()
    assert "does not exist" in r.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_folder_is_not_replaced(work: Path, output: str) -> None:
    (work / "out").mkdir()
    target = _target(output, "out")
    (work / target).mkdir()
    (work / target / "inside.txt").write_text("x")
    if output in ("assess -o", "init -o"):  # -o FOLDER writes FOLDER/<its own name>: make that a folder too
        (work / target / Path(target).name).mkdir()
    r, _ = _run(output, target)
    assert (work / target / "inside.txt").read_text() == "x"
    assert "folder" in r.output or "directory" in r.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_read_only_folder_is_a_usage_error(work: Path, output: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "ro").mkdir()
    target = _target(output, "ro")
    if os.geteuid() == 0:  # root writes into read-only folders: the refusal the kernel would give
        def refuse(path: Path, data: bytes) -> None:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        monkeypatch.setattr(playbook.base.files, "_atomic", refuse)
    else:
        (work / "ro").chmod(0o500)
    try:
        r, _ = _run(output, target)
    finally:
        (work / "ro").chmod(0o700)
    assert "Permission denied" in r.output and "writable" in r.output  # type: ignore[attr-defined]
    assert not list((work / "ro").iterdir())


@pytest.mark.parametrize("output", [o for o in OUTPUTS if o not in ("batch report", "schema --out")])
def test_a_missing_folder_is_a_usage_error(work: Path, output: str) -> None:
    target = _target(output, "nodir")
    r, _ = _run(output, target)
    assert r.exit_code == 2 and "nodir" in r.output and "does not exist" in r.output  # type: ignore[attr-defined]


def test_summary_in_a_missing_folder_is_said_before_any_report_is_written(work: Path) -> None:
    r = invoke("assess", "batch", "--pack", PACK, "--out-dir", "reports", "--summary", "nodir/summary.csv")
    assert r.exit_code == 2 and "nodir" in r.stderr and "internal error" not in r.output
    assert not (work / "reports" / "acme-report.html").exists()


def test_a_full_disk_for_the_summary_is_a_usage_error(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = playbook.base.files._atomic

    def full(path: Path, data: bytes) -> None:
        if path.name == "summary.csv":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)
    monkeypatch.setattr(playbook.base.files, "_atomic", full)
    r = invoke("assess", "batch", "--pack", PACK, "--out-dir", "reports", "--summary", "summary.csv")
    assert r.exit_code == 2 and "No space left" in r.stderr and "free some space" in r.stderr
    assert "internal error" not in r.output and not (work / "summary.csv").exists()


@pytest.mark.parametrize("how", ["dangling link", "under a file"])
def test_an_out_dir_that_cannot_be_made_is_a_usage_error(work: Path, how: str) -> None:
    if how == "dangling link":
        os.symlink(work / "gone", work / "reports")
    else:
        (work / "a-file").write_text("")
    out = "reports" if how == "dangling link" else "a-file/reports"
    r = invoke("assess", "batch", "--pack", PACK, "--out-dir", out)
    assert r.exit_code == 2 and "cannot create the folder" in r.stderr and "internal error" not in r.output
    assert not (work / "gone").exists()


def test_the_writer_is_atomic_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    assert write_output(link, b"new") == real
    assert real.read_text() == "new" and link.is_symlink()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_writer_never_lets_an_os_error_out(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    with pytest.raises(FileSystemError, match="not a regular file"):
        write_output(fifo, b"x")
    with pytest.raises(FileSystemError, match="shorter name"):
        write_output(tmp_path / ("x" * 300 + ".html"), b"x")
    with pytest.raises(FileSystemError, match="already exists"):
        (tmp_path / "a.yaml").write_text("")
        write_output(tmp_path / "a.yaml", b"x", allow_yaml=True, replace=False)


def test_an_out_dir_that_cannot_be_written_is_said_once_before_the_work(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "reports").mkdir()
    if os.geteuid() == 0:  # root writes into read-only folders: the refusal the kernel would give
        import tempfile

        def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
            raise PermissionError(errno.EACCES, "Permission denied")
        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    else:
        (work / "reports").chmod(0o500)
    try:
        r = invoke("assess", "batch", "--pack", PACK, "--out-dir", "reports")
    finally:
        (work / "reports").chmod(0o700)
    assert r.exit_code == 2 and "cannot write into the folder reports: Permission denied" in r.stderr
    assert r.stderr.count("Permission denied") == 1
