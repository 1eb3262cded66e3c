"""The `tradeindex` command."""
import subprocess
import sys

from tradeindex.cli import main


def test_info(sample_path, capsys):
    assert main(["info", str(sample_path), "--hs", "HS92"]) == 0
    out = capsys.readouterr().out
    assert "229,585 flows" in out and "1989-1990" in out


def test_info_error(capsys, tmp_path):
    assert main(["info", str(tmp_path / "none.csv")]) == 2
    assert "path must be an existing BACI file" in capsys.readouterr().err


def test_demo_runs(capsys):
    assert main(["demo"]) == 0
    assert "229,585 flows" in capsys.readouterr().out


def test_console_script_installed():
    out = subprocess.run([sys.executable, "-m", "tradeindex.cli", "config"], capture_output=True, text=True)
    assert out.returncode == 0 and "OpenMP" in out.stdout
