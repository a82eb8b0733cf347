"""Queue reports: figures over any range of days, fast over a year through daily rollups."""
