"""Plain helpers and constants the tests share; fixtures live in the conftest.py files."""
