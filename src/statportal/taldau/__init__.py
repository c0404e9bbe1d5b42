"""Taldau: the time-series data service (issue #20) — indicators, observations with X,
embargo, API and exports, charts."""
