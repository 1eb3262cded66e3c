"""tradeindex: all-pairs trade complementarity and intra-industry trade indices."""
from . import kernels
from .codes import GROUPS as groups
from .complementarity import complementarity, export_similarity, import_similarity
from .config import __version__, show_config
from .flows import TradeFlows
from .indicators import (concentration, intra_group_intensity, intra_group_share, krugman, rca,
                         regional_orientation, trade_intensity, trade_specialisation)
from .intra_industry import grubel_lloyd, marginal_iit, trade_types
from .sources import LazyFlows, from_comtrade, read_baci, sample, scan_baci
from .report import RegionalReport, regional_report
from .result import IndexMatrix, IndexPanel, IndexTable, TopPartners, TradeMatrix

__all__ = ["IndexMatrix", "IndexPanel", "IndexTable", "LazyFlows", "RegionalReport", "TopPartners",
           "TradeFlows", "TradeMatrix", "__version__", "complementarity", "concentration",
           "export_similarity", "from_comtrade", "grubel_lloyd", "groups", "import_similarity", "intra_group_intensity",
           "intra_group_share", "kernels", "krugman", "marginal_iit", "rca", "read_baci",
           "regional_orientation", "regional_report", "sample", "scan_baci", "show_config",
           "trade_intensity", "trade_specialisation", "trade_types"]
