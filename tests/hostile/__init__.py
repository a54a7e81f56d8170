"""Hostile-input tests: any file, no crash, no hang, no injection, no writes, no network."""
