"""The `tradeindex` command: every subcommand, the one year syntax, outputs by extension, exit
codes, one-line errors and warnings."""
import subprocess
import sys

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import tradeindex
from tradeindex.cli import main


def test_info(sample_path, capsys):
    assert main(["info", str(sample_path), "--hs", "HS92"]) == 0
    out = capsys.readouterr().out
    assert "229,585 flows" in out and "1989-1990" in out
    assert main(["info", str(sample_path), "--years", "1990"]) == 0
    assert "1990" in capsys.readouterr().out


def test_user_errors_are_one_line_with_exit_code_2(capsys, tmp_path):
    assert main(["info", str(tmp_path / "none.csv")]) == 2
    err = capsys.readouterr().err
    assert "path must be an existing BACI file" in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert main(["complementarity", "sample", "--years", "1990-1989", "-o", str(tmp_path / "x.csv")]) == 2
    assert "--years must be years like 2017, 2010-2017 or 2010,2012,2015-2017; found '1990-1989'" in capsys.readouterr().err


def test_internal_errors_show_the_traceback_with_exit_code_1(capsys, monkeypatch):
    import tradeindex.cli as cli
    monkeypatch.setattr(cli, "show_config", lambda: 1 / 0)
    assert main(["config"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError" in err and "internal error (a bug)" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"tradeindex {tradeindex.__version__}"


def test_every_option_has_help():
    from tradeindex.cli import build_parser
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    missing = [f"{name} {a.option_strings or a.dest}" for name, sub in subparsers.items() for a in sub._actions
               if not a.help and a.dest != "help"]
    assert not missing, missing


@pytest.mark.parametrize("years, expected", [("1990", [1990]), ("1989-1990", [1989, 1990]),
                                             ("1989,1990", [1989, 1990]), (None, [1989, 1990])])
@pytest.mark.parametrize("command", [["complementarity"], ["similarity", "--side", "imports"],
                                     ["grubel-lloyd"], ["trade-types"], ["rca"], ["intensity"],
                                     ["concentration"], ["specialisation"], ["krugman"],
                                     ["orientation", "--group", "MERCOSUR=ARG,BRA,PRY,URY"],
                                     ["group-share", "--group", "MERCOSUR=ARG,BRA,PRY,URY"]])
def test_one_year_syntax_everywhere(tmp_path, command, years, expected):
    out = tmp_path / "out.parquet"
    argv = command[:1] + ["sample"] + command[1:] + (["--years", years] if years else []) + ["-o", str(out)]
    assert main(argv) == 0
    written = sorted(tmp_path.glob("*.parquet"))
    assert written and all(sorted(set(pq.read_table(p)["year"].to_pylist())) == expected for p in written)


MERCOSUR_ARG = "MERCOSUR=ARG,BRA,PRY,URY"


@pytest.mark.parametrize("argv, call", [
    (["rca", "--countries", "BRA,CHN", "--group", MERCOSUR_ARG, "--reference", "NAFTA=CAN,MEX,USA", "--kind", "symmetric"],
     lambda f: tradeindex.rca(f, years=1990, countries=["BRA", "CHN"], groups={"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]},
                              reference={"NAFTA": ["CAN", "MEX", "USA"]}, kind="symmetric")),
    (["intensity", "--reporters", "ARG,BRA", "--group", MERCOSUR_ARG, "--exclude-self", "--self-pairs"],
     lambda f: tradeindex.trade_intensity(f, years=1990, reporters=["ARG", "BRA"], exclude_self=True, self_pairs=True,
                                          groups={"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]})),
    (["concentration", "--measure", "normalized", "--scale", "10000", "--products", "84"],
     lambda f: tradeindex.concentration(f, years=1990, measure="normalized", scale=10000, products="84")),
    (["specialisation", "--countries", "USA", "--group", "NAFTA"],
     lambda f: tradeindex.trade_specialisation(f, years=1990, countries=["USA"], groups="NAFTA")),
    (["krugman", "--side", "imports", "--partners", "USA,CAN", "--self-pairs"],
     lambda f: tradeindex.krugman(f, years=1990, side="imports", partners=["USA", "CAN"], self_pairs=True)),
    (["orientation", "--group", MERCOSUR_ARG, "--countries", "BRA,CHN"],
     lambda f: tradeindex.regional_orientation(f, {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]}, years=1990,
                                               countries=["BRA", "CHN"])),
    (["group-share", "--group", MERCOSUR_ARG, "--group", "NAFTA=CAN,MEX,USA", "--side", "imports", "--scale", "1"],
     lambda f: tradeindex.intra_group_share(f, {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"], "NAFTA": ["CAN", "MEX", "USA"]},
                                            years=1990, side="imports", scale=1)),
])
def test_indicator_commands_write_the_api_result(tmp_path, sample, argv, call):
    """Each indicator subcommand writes the long table of the same call through the API."""
    out = tmp_path / "out.parquet"
    assert main(argv[:1] + ["sample", "--years", "1990"] + argv[1:] + ["-o", str(out)]) == 0
    assert pq.read_table(out).equals(call(sample).to_arrow())


def test_indicator_command_errors(tmp_path, capsys):
    out = str(tmp_path / "o.csv")
    assert main(["orientation", "sample", "--group", "A=ARG", "--group", "B=BRA", "-o", out]) == 2
    assert "group must be one group" in capsys.readouterr().err
    assert main(["rca", "sample", "--reference", "X", "-o", out]) == 2
    assert "--reference must be NAME=A,B,C" in capsys.readouterr().err
    assert main(["group-share", "sample", "--group", "G=ARG,XXX", "-o", out]) == 2
    assert "groups['G'] must be countries present in these flows" in capsys.readouterr().err
    assert main(["group-share", "sample", "-o", out]) == 2  # --group is required: a usage error, one line
    err = capsys.readouterr().err
    assert err == ("tradeindex group-share: error: the following arguments are required: --group (see tradeindex "
                   "group-share --help)\n")


def test_outputs_by_extension_and_overwrite(tmp_path, capsys):
    for ext in (".csv", ".csv.gz", ".parquet", ".arrow", ".feather"):
        out = tmp_path / f"gl{ext}"
        assert main(["grubel-lloyd", "sample", "--years", "1990", "-o", str(out)]) == 0
        assert out.exists()
    assert main(["grubel-lloyd", "sample", "--years", "1990", "-o", str(tmp_path / "gl.parquet")]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["grubel-lloyd", "sample", "--years", "1990", "-o", str(tmp_path / "gl.parquet"), "--overwrite"]) == 0
    assert main(["grubel-lloyd", "sample", "-o", str(tmp_path / "gl.xlsx")]) == 2
    assert "-o/--output must be a file name ending in" in capsys.readouterr().err
    back = pacsv.read_csv(tmp_path / "gl.csv")  # missing values are empty fields: pyarrow reads nulls
    assert back["grubel_lloyd"].null_count > 0 and str(back["grubel_lloyd"].type) == "double"


def test_marginal_iit_and_trade_types_files(tmp_path):
    assert main(["marginal-iit", "sample", "--years", "1989,1990", "-o", str(tmp_path / "m.parquet")]) == 0
    assert (tmp_path / "m_A.parquet").exists() and (tmp_path / "m_B.parquet").exists()
    assert main(["trade-types", "sample", "--years", "1990", "--by", "country", "--partners", "World",
                 "-o", str(tmp_path / "t.csv")]) == 0
    assert {p.name for p in tmp_path.glob("t_*.csv")} == {f"t_{n}.csv" for n in tradeindex.intra_industry.TRADE_TYPES}
    assert main(["marginal-iit", "sample", "--years", "1990", "-o", str(tmp_path / "x.csv")]) == 2


def test_warnings_are_one_readable_line(tmp_path, capsys):
    assert main(["complementarity", "sample", "--years", "1990", "--group", "G7", "-o", str(tmp_path / "g.csv")]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "warning" in line]
    assert lines and all(line.startswith("tradeindex: warning: ") for line in lines)
    assert any("GBR is not in the data" in line for line in lines)


def test_demo(capsys, tmp_path):
    """The demo: sample summary, the 1990 complementarity table with its reading, GL highlights,
    MERCOSUR within vs world, and the report written to the folder it names."""
    assert main(["demo", "-o", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "229,585 flows" in out
    assert "Trade complementarity 1990" in out and "Reading:" in out
    tc = tradeindex.complementarity(tradeindex.sample(), years=1990)
    usa_row = next(line for line in out.splitlines() if line.startswith("USA "))
    assert usa_row.split()[1:] == ["n/a" if np.isnan(v) else f"{v:.0f}" for v in tc.loc["USA"].values[0]]
    assert "175 of 253 pairs trade" in out and "within MERCOSUR vs with the world" in out
    assert "Table II. Grubel-Lloyd intra-industry trade in engineering" in out
    folder = tmp_path / "demo"
    assert (folder / "summary.md").exists() and (folder / "manifest.json").exists()
    pytest.importorskip("matplotlib")
    assert (folder / "complementarity_heatmap.png").exists()


def test_report_command(capsys, tmp_path):
    out = tmp_path / "r"
    assert main(["report", "sample", "--group", "MERCOSUR=ARG,BRA,PRY,URY", "--compare", "NAFTA=CAN,MEX,USA",
                 "--years", "1989-1990", "--products", "engineering", "--no-charts", "-o", str(out)]) == 0
    assert "Table I. Trade complementarity" in capsys.readouterr().out
    assert (out / "grubel_lloyd.csv").exists() and not (out / "complementarity_heatmap.png").exists()
    assert main(["report", "sample", "--group", "X=ARG", "--no-charts", "-o", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err  # an existing report is not replaced silently
    assert main(["report", "sample", "--group", "X=ARG,BRA", "--no-charts", "-o", str(out), "--overwrite"]) == 0


def test_console_script_installed():
    out = subprocess.run([sys.executable, "-m", "tradeindex.cli", "config"], capture_output=True, text=True)
    assert out.returncode == 0 and "OpenMP" in out.stdout


def test_to_parquet_writes_a_dataset_read_lazily(tmp_path, capsys):
    out = tmp_path / "ds"
    assert main(["to-parquet", "sample", "--years", "1990", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["t=1990"]
    lazy = tradeindex.scan_baci(out, hs="HS92")
    assert lazy.years == [1990] and len(lazy.collect()) == int((tradeindex.sample().year == 1990).sum())
    assert main(["to-parquet", "sample", "-o", str(out)]) == 2  # not over an existing dataset
    assert "--overwrite" in capsys.readouterr().err
