"""Benchmarks: a synthetic Hexo news corpus generator and the measurement runner."""
