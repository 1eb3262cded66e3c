"""Every subcommand of the `tradeindex` command in the hostile-input catalogue, run in this
process (``tradeindex.cli.main``) on the base flows as a folder of BACI files (labelled.BACI).

A run that exits 0 gives the tables it wrote (read back, compared like any result); an exit code
of 2 must come with exactly one error line, the last on stderr ("tradeindex CMD: error: ..."),
and no traceback: it is raised as hostile.CliError with that line's message, so that the
expectations read like the API's; any other exit code (1: a bug) fails the case."""
import contextlib
import io
import tempfile
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq

from tradeindex.cli import main

from .hostile import CliError
from .labelled import BACI
from .registry import Target


def _argv(command, options, out):
    argv = [command]
    if options.get("file") is not None:
        argv.append(str(options["file"]))
    for option, value in options.items():
        if option in ("file", "extra") or value is None or value is False:
            continue
        if value is True:
            argv.append(option)
        else:
            argv += [x for v in (value if isinstance(value, list) else [value]) for x in (option, str(v))]
    if options.get("-o", "absent") is None:
        argv += ["-o", str(out)]
    if options.get("extra"):
        argv.append(options["extra"])
    return argv


def run(command, folder_output=False, **options):
    """`tradeindex COMMAND [FILE] OPTIONS` with -o a new file (or folder) when the options give
    none: the tables written, or CliError with the one error line."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / ("out" if folder_output else "out.parquet")
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(_argv(command, options, out))
        err = stderr.getvalue()
        assert "Traceback" not in err, err
        if code == 2:
            lines = err.splitlines()
            errors = [line for line in lines if ": error: " in line]
            assert len(errors) == 1 and lines[-1] == errors[0], f"not one error line, the last: {err!r}"
            assert errors[0].startswith((f"tradeindex {command}: error: ", "tradeindex: error: ")), errors[0]
            raise CliError(errors[0].split(": error: ", 1)[1])
        assert code == 0, f"exit code {code}: {err}"
        written = sorted(p for p in Path(tmp).rglob("*.parquet") if p.is_file())
        if folder_output and command == "to-parquet":  # a dataset: its rows in any order
            table = ds.dataset(out, partitioning="hive").to_table()
            return table.sort_by([(c, "ascending") for c in table.column_names])
        return tuple(pq.read_table(p) for p in written)


def _command(command, slots, base=None, *, output=True, folder_output=False, file="cli file, some", **kw):
    """A Target for one subcommand: the input (`file`: its kind, None for none), its options and
    their kinds, and an unknown option; -o a new file or folder unless a hostile gives one."""
    base = {**({"file": BACI} if file else {}), **({"-o": None} if output else {}), "extra": None, **(base or {})}
    for option in slots:
        base.setdefault(option, None)
    slots = {**({"file": file} if file else {}), "extra": "cli extra", **slots}
    return Target(f"tradeindex {command} (command)", lambda **o: run(command, folder_output, **o), base,
                  slots, valid=lambda r: True, **kw)


_TABLE = {"--years": "cli years", "--threads": "cli threads", "--products": "cli products", "-o": "cli output"}

TARGETS = [
    _command("info", {"--years": "cli years"}, output=False, file="cli file"),
    _command("complementarity", {**_TABLE, "--exporters": "cli countries", "--top-k": "cli count",
                                 "--dtype": "cli choice", "--method": "cli choice", "--group": "cli group",
                                 "--membership": "cli membership"},
             {"--dtype": "float64", "--method": "auto"}, file="cli file"),
    _command("similarity", {**_TABLE, "--side": "cli choice", "--countries": "cli countries"}, {"--side": "imports"}),
    _command("grubel-lloyd", {**_TABLE, "--by": "cli choice", "--adjust": "cli choice", "--scale": "cli scale",
                              "--reporters": "cli countries"}, {"--by": "pair", "--adjust": "aquino"}),
    _command("marginal-iit", {"--threads": "cli threads", "--by": "cli choice", "--scale": "cli scale",
                              "-o": "cli output"}, {"--years": "2014,2015", "--by": "country"}),
    _command("trade-types", {**_TABLE, "--alpha": "cli alpha", "--method": "cli choice"}, {"--method": "ff"}),
    _command("rca", {**_TABLE, "--kind": "cli choice", "--countries": "cli countries", "--group": "cli group",
                     "--membership": "cli membership"}, {"--kind": "symmetric"}),
    _command("intensity", {**_TABLE, "--reporters": "cli countries", "--group": "cli group"}),
    _command("concentration", {**_TABLE, "--measure": "cli choice", "--scale": "cli scale"}, {"--measure": "count"}),
    _command("specialisation", {**_TABLE, "--countries": "cli countries"}),
    _command("krugman", {**_TABLE, "--side": "cli choice"}, {"--side": "exports"}),
    _command("orientation", {**_TABLE, "--group": "cli group"}, {"--group": ["EAEU"]},
             overrides={"--group:the same name twice": None}),  # --group once: two are "one group" errors
    _command("group-share", {**_TABLE, "--group": "cli group", "--side": "cli choice", "--scale": "cli scale"},
             {"--group": ["EAEU"], "--side": "imports"}),
    _command("report", {"--years": "cli years", "--threads": "cli threads", "--products": "cli products",
                        "--membership": "cli membership"},
             {"--group": "G=643,398,4,8", "--no-charts": True}, folder_output=True, file="cli file"),  # 4, 8: in the files
    _command("to-parquet", {"--years": "cli years"}, folder_output=True),
    _command("demo", {}, folder_output=True, file=None),
    _command("config", {}, output=False, file=None),
]
