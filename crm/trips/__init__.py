"""Outbound investment trips (外出招商报备, DOMAIN.md §5): filing, approval, report, figures."""
