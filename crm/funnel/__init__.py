"""The leaders' funnel (招商漏斗, DOMAIN.md §7): counts, cycle times, rankings, charts, Excel."""
