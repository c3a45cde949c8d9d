"""File readers: one module per form a monitoring file takes (CSV and its fast path, wide CSV,
Parquet, Excel), and what they share (dialects, headers, columns, times, arrow buffers, blocks).
A reader turns bytes into columns; it knows no methodology and no monitoring period."""
