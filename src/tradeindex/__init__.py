"""tradeindex: all-pairs trade complementarity and intra-industry trade indices."""
from . import kernels
from .complementarity import complementarity, export_similarity, import_similarity
from .config import __version__, show_config
from .flows import TradeFlows
from .io import read_baci, sample
from .result import IndexMatrix, IndexPanel, TopPartners, TradeMatrix

__all__ = ["IndexMatrix", "IndexPanel", "TradeFlows", "TradeMatrix", "__version__", "kernels",
           "read_baci", "sample", "show_config"]
__all__ += ["TopPartners", "complementarity", "export_similarity", "import_similarity"]
