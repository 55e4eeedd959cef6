"""Python references of the production engine, used by tests only (see tests/unit/test_oracle.py)."""
