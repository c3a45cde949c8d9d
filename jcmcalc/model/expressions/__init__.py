"""Equations as expression trees: the nodes (``terms``), formulas parsed into them
(``formula``), the walkers that print, evaluate and inspect them (``walkers``), their units
(``dimensions``) and their exact evaluation on many project-periods at once (``elementwise``)."""
