"""The monitoring report as a workbook shaped like the JCM monitoring spreadsheet: one module
per group of sheets, every equation a live formula with its cached value."""
