"""The hostile-input catalogue: every public array-level function against every hostile input
of the kinds it takes (see docs/testing.md). `hostile` makes the inputs, `registry` lists the
callables under test; test_catalogue.py runs each pair."""
