"""tradeindex: all-pairs trade complementarity and intra-industry trade indices."""
from . import kernels
from .config import __version__, show_config
from .flows import TradeFlows
from .intra_industry import grubel_lloyd, marginal_iit, trade_types
from .io import read_baci, sample
from .result import IndexMatrix, IndexPanel, TradeMatrix

__all__ = ["IndexMatrix", "IndexPanel", "TradeFlows", "TradeMatrix", "__version__", "kernels",
           "grubel_lloyd", "marginal_iit", "read_baci", "trade_types", "sample", "show_config"]
