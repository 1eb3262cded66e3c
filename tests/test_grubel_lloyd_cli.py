"""The `tradeindex grubel-lloyd` command."""
import numpy as np
import pandas as pd

import tradeindex as ti
from tradeindex.cli import main


def test_grubel_lloyd_by_country_csv(tmp_path):
    out = tmp_path / "gl.csv"
    assert main(["grubel-lloyd", "sample", "--by", "country", "--partners", "MERCOSUR=ARG,BRA,PRY,URY",
                 "--partners", "World", "--years", "1990", "--adjust", "aquino", "-o", str(out)]) == 0
    got = pd.read_csv(out).pivot(index="reporter", columns="partner", values="grubel_lloyd")
    want = ti.grubel_lloyd(ti.sample(), by="country", years=1990, adjust="aquino",
                           partners={"MERCOSUR": ["ARG", "BRA", "PRY", "URY"], "World": None})
    assert list(got.columns) == ["MERCOSUR", "World"]
    np.testing.assert_allclose(got.loc[list(want.rows)].to_numpy(), want.values, rtol=1e-12, equal_nan=True)


def test_grubel_lloyd_by_product_and_pair(tmp_path):
    out = tmp_path / "p.csv"
    assert main(["grubel-lloyd", "sample", "--by", "product", "--products", "84-90", "--reporters", "BRA",
                 "--partners", "EU=DEU,FRA,ITA", "-o", str(out)]) == 0
    table = pd.read_csv(out, dtype={"product": str})
    assert set(table.reporter) == {"BRA"} and table["product"].str[:2].between("84", "90").all()
    out = tmp_path / "pairs.csv"
    assert main(["grubel-lloyd", "sample", "--years", "1990", "--partners", "ARG,BRA", "-o", str(out)]) == 0
    pairs = pd.read_csv(out)
    assert set(pairs.partner) == {"ARG", "BRA"} and len(pairs) == 23 * 2 - 2  # no self-pairs
    assert not ((pairs.reporter == pairs.partner)).any()


def test_grubel_lloyd_bad_partner_spec(tmp_path, capsys):
    assert main(["grubel-lloyd", "sample", "--partners", "=ARG", "-o", str(tmp_path / "x.csv")]) == 2
    assert "--partners must be NAME=A,B,C (e.g. EAEU=ARM,BLR,KAZ,KGZ,RUS) or a built-in group" in capsys.readouterr().err
