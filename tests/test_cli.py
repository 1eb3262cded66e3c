"""The `tradeindex` command."""
import subprocess
import sys

import tradeindex
from tradeindex.cli import main


def test_info(sample_path, capsys):
    assert main(["info", str(sample_path), "--hs", "HS92"]) == 0
    out = capsys.readouterr().out
    assert "229,585 flows" in out and "1989-1990" in out


def test_info_error(capsys, tmp_path):
    assert main(["info", str(tmp_path / "none.csv")]) == 2
    assert "path must be an existing BACI file" in capsys.readouterr().err


def test_demo(capsys, tmp_path):
    """The demo: sample summary, the 1990 complementarity table with its reading, GL highlights,
    MERCOSUR within vs world, and the report written to the folder it names."""
    assert main(["demo", "-o", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "229,585 flows" in out
    assert "Trade complementarity 1990" in out and "Reading:" in out
    tc = tradeindex.complementarity(tradeindex.sample(), years=1990)
    usa_row = next(line for line in out.splitlines() if line.startswith("USA "))
    assert usa_row.split()[1:] == [f"{v:.0f}" for v in tc.loc["USA"].values[0]]
    assert "175 of 253 pairs trade" in out and "within MERCOSUR vs with the world" in out
    assert "Table II. Grubel-Lloyd intra-industry trade in engineering: within MERCOSUR vs global" in out
    assert f"Wrote 16 files to {(tmp_path / 'demo').resolve()}/" in out
    assert (tmp_path / "demo" / "summary.md").exists() and (tmp_path / "demo" / "complementarity_heatmap.png").exists()


def test_report_command(capsys, tmp_path):
    out = tmp_path / "r"
    assert main(["report", "sample", "--group", "MERCOSUR=ARG,BRA,PRY,URY", "--compare", "NAFTA=CAN,MEX,USA",
                 "--years", "1989-1990", "--products", "engineering", "--no-charts", "-o", str(out)]) == 0
    assert "Table I. Trade complementarity" in capsys.readouterr().out
    assert (out / "grubel_lloyd.csv").exists() and not (out / "complementarity_heatmap.png").exists()
    assert main(["report", "sample", "--group", "MERCOSUR", "-o", str(out)]) == 2
    assert "MERCOSUR members in 1989: none" in capsys.readouterr().err
    assert main(["report", "sample", "--group", "X=ARG", "--years", "1990-1989", "-o", str(out)]) == 2
    assert "--years must be a year or FIRST-LAST like 2010-2017; found '1990-1989'" in capsys.readouterr().err


def test_console_script_installed():
    out = subprocess.run([sys.executable, "-m", "tradeindex.cli", "config"], capture_output=True, text=True)
    assert out.returncode == 0 and "OpenMP" in out.stdout
