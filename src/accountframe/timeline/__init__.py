"""Accountability over time: the spells of every finding and consequence over a period
(`spells`), worked out only where something can change (`engine`), and `since` on a snapshot
(SPEC section 13)."""
