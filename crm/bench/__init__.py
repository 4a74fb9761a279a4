"""Benchmark data: `flask bench generate` loads a province-scale city for measuring pages (issue 9)."""
