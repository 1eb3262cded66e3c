"""tradeindex: all-pairs trade complementarity and intra-industry trade indices."""
import os

# Idle OpenMP threads sleep instead of spinning (unless the user chose otherwise): a spinning
# thread takes the core a working one needs when other processes share the machine (reading a
# BACI year: 0.33 s passive vs 1.3-2.2 s spinning on a busy 2-core machine; see
# benchmarks/RESULTS.md). Read once, when the OpenMP runtime starts: set before the kernels load.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
from . import kernels
from .codes import GROUPS as groups
from .codes import Group
from .complementarity import complementarity, export_similarity, import_similarity
from .config import __version__, show_config
from .flows import TradeFlows
from .indicators import (concentration, intra_group_intensity, intra_group_share, krugman, rca,
                         regional_orientation, trade_intensity, trade_specialisation)
from .intra_industry import grubel_lloyd, marginal_iit, trade_types
from .sources import LazyFlows, from_comtrade, read_baci, sample, scan_baci
from .report import RegionalReport, regional_report
from .result import IndexMatrix, IndexPanel, IndexTable, TopPartners, TradeMatrix

__all__ = ["Group", "IndexMatrix", "IndexPanel", "IndexTable", "LazyFlows", "RegionalReport", "TopPartners",
           "TradeFlows", "TradeMatrix", "__version__", "complementarity", "concentration",
           "export_similarity", "from_comtrade", "grubel_lloyd", "groups", "import_similarity", "intra_group_intensity",
           "intra_group_share", "kernels", "krugman", "marginal_iit", "rca", "read_baci",
           "regional_orientation", "regional_report", "sample", "scan_baci", "show_config",
           "trade_intensity", "trade_specialisation", "trade_types"]
