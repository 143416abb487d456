"""Plain helpers that tests import; the fixtures themselves live in tests/conftest.py."""
