"""Progress over years and files: a tqdm bar on a terminal, one plain line per step in a log
(no carriage-return frames), nothing unless asked."""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def progress_bar(items: Iterable[T], label: str, *, labels: Sequence[object] | None = None,
                 enabled: bool = True) -> Iterator[T]:
    """Yield `items`, showing progress when `enabled` and there are several: a tqdm bar when
    stderr is a terminal (or a notebook), else one line per item ("reading 3/30: NAME")."""
    items = list(items)
    names = [str(x) for x in (labels or items)]
    if not enabled or len(items) < 2:
        yield from items
        return
    if sys.stderr.isatty():
        from tqdm.auto import tqdm
        bar = tqdm(total=len(items), desc=label, unit=" step", leave=False, file=sys.stderr)
        try:
            for item, name in zip(items, names):
                bar.set_postfix_str(name[-48:], refresh=False)
                yield item
                bar.update()
        finally:
            bar.close()
        return
    for n, (item, name) in enumerate(zip(items, names), 1):

        print(f"{label} {n}/{len(items)}: {name}", file=sys.stderr, flush=True)
        yield item
