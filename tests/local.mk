# tests/: Check unit tests (tests/unit), integration tests, benchmarks (tests/bench).
