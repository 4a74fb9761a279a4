"""Bounds of the project record's figures. Its codes (stage, status, source...) are in crm.domain."""

from decimal import Decimal

# A single project above 1 万亿元 is a typing error, not an investment.
MAX_AMOUNT_WAN = Decimal(100_000_000)
MAX_LAND_MU = Decimal(100_000)
MAX_ENERGY_TCE = Decimal(50_000_000)
# 1 亩 = 666.67 m² (DOMAIN §3); rented floor area is bounded like land.
M2_PER_MU = Decimal("666.67")
MAX_FLOOR_M2 = MAX_LAND_MU * M2_PER_MU

