"""What ``verify`` reads: the figures a submission states, from a CSV, from the JSON of
``jcmcalc calculate`` or from the workbook of ``jcmcalc report --format xlsx``."""
