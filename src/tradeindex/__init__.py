"""tradeindex: all-pairs trade complementarity and intra-industry trade indices."""
from . import kernels
from .codes import GROUPS as groups
from .complementarity import complementarity, export_similarity, import_similarity
from .config import __version__, show_config
from .flows import TradeFlows
from .intra_industry import grubel_lloyd, marginal_iit, trade_types
from .sources import LazyFlows, read_baci, sample, scan_baci
from .report import RegionalReport, regional_report
from .result import IndexMatrix, IndexPanel, TopPartners, TradeMatrix

__all__ = ["IndexMatrix", "IndexPanel", "LazyFlows", "RegionalReport", "TopPartners", "TradeFlows", "TradeMatrix",
           "__version__", "complementarity", "export_similarity", "grubel_lloyd", "groups",
           "import_similarity", "kernels", "marginal_iit", "read_baci", "regional_report", "sample", "scan_baci",
           "show_config", "trade_types"]
