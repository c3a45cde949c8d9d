"""Monitoring series: the readings of a project's monitoring files ordered by member, meter and
time, cut at the period bounds, their dated rows and calendar months, and how much of each
period they cover."""
