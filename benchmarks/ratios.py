"""Print speed ratios from a pytest-benchmark JSON: within each group, every peer's median time
over tradeindex's (the test whose name contains "tradeindex"); > 1 means tradeindex is faster.

    python benchmarks/ratios.py benchmarks/results/read.json
"""
import json
import sys
from collections import defaultdict


def ratios(path):
    groups = defaultdict(dict)
    for b in json.load(open(path))["benchmarks"]:
        groups[b["group"]][b["name"]] = (b["stats"]["median"], b.get("extra_info", {}))
    lines = []
    for group, tests in groups.items():
        ours = [n for n in tests if "tradeindex" in n]
        if not ours:
            continue
        t0, info = tests[ours[0]]
        rows = info.get("rows")
        rate = f", {rows / t0 / 1e6:.1f}M rows/s" if rows else ""
        lines.append(f"{group}: tradeindex {t0:.3f} s median{rate}")
        for name, (t, _) in sorted(tests.items()):
            if name != ours[0]:
                lines.append(f"  vs {name.replace('test_', '')}: {t:.3f} s -> {t / t0:.2f}x")
    return "\n".join(lines)


if __name__ == "__main__":
    print(ratios(sys.argv[1]))
